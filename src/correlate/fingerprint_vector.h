// Fingerprints of an attacker's software as vectors (kinds ja3, hassh, jarm), so that
// GET /attackers/{uuid}/similar finds attackers running the same or a related stack, not only
// the identical one. Where the line carries what the hash was computed from, its parts are the
// features: a JA3 string's version, ciphers, extensions, curves and point formats; a HASSH
// string's key exchange, cipher, MAC and compression algorithms; a JARM's ten per-probe answers
// (cipher and version) and its extensions digest. Two builds of one TLS library share most
// ciphers and extensions and so sit close; a changed extension order moves a little. A bare
// hash has no parts: its 128 (or more) bits become the vector, so equal hashes are at distance
// 0 and different ones are far apart and equally so.
//
// Every vector has kFingerprintVectorDim dimensions and unit length; an empty result means the
// input carried no fingerprint (a JARM of zeros is a port that answered no probe).
#pragma once

#include <string_view>
#include <vector>

namespace decnet::correlate {

inline constexpr std::size_t kFingerprintVectorDim = 64;

// `text` is the JA3 string (SSLVersion,Ciphers,Extensions,EllipticCurves,PointFormats) when
// known, else empty; `hash` its MD5.
std::vector<float> ja3_vector(std::string_view hash, std::string_view text);
// `text` is the HASSH algorithms string (kex;ciphers;macs;compression) when known.
std::vector<float> hassh_vector(std::string_view hash, std::string_view text);
std::vector<float> jarm_vector(std::string_view jarm);

}  // namespace decnet::correlate
