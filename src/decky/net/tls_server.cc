#include "decky/net/tls_server.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace decnet::decky {
namespace {

namespace ssl = boost::asio::ssl;

constexpr long kValidSeconds = 2L * 365 * 24 * 3600;
constexpr long kBackdateSeconds = 40L * 24 * 3600;  // issued a while ago, like a real one

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string pem_of(const std::function<int(BIO*)>& write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1)
    throw std::runtime_error("cannot encode a TLS key or certificate");
  char* data = nullptr;
  const auto n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// A self-signed certificate for `host`, as a host's installer makes one: P-256 key, serial
// at random, CN and subjectAltName the host name.
std::pair<std::string, std::string> make_certificate(const std::string& host) {
  Key key(EVP_EC_gen("P-256"));
  Cert cert(X509_new());
  if (!key || !cert) throw std::runtime_error("cannot make a TLS certificate");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidSeconds - kBackdateSeconds);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const auto san = "DNS:" + host;
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str())) {
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign a TLS certificate");
  }
  return {pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }), pem_of([&](BIO* b) {
            return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
          })};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_private(const std::filesystem::path& path, const std::string& text) {
  const auto old_mask = ::umask(077);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  ::umask(old_mask);
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

TlsServerContext::TlsServerContext(const std::string& cert_pem, const std::string& key_pem,
                                   const std::filesystem::path& state_dir,
                                   const std::string& host_name)
    : context_(ssl::context::tls_server) {
  std::string cert = cert_pem, key = key_pem;
  if (cert.empty() || key.empty()) {
    const auto cert_path = state_dir / "tls_cert.pem", key_path = state_dir / "tls_key.pem";
    std::error_code ec;
    if (std::filesystem::exists(cert_path, ec) && std::filesystem::exists(key_path, ec)) {
      cert = read_file(cert_path);
      key = read_file(key_path);
    } else {
      std::filesystem::create_directories(state_dir, ec);
      if (ec) throw std::runtime_error("cannot create " + state_dir.string() + ": " + ec.message());
      std::tie(cert, key) = make_certificate(host_name);
      write_private(key_path, key);
      write_private(cert_path, cert);
    }
  }
  context_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  context_.use_certificate_chain(boost::asio::buffer(cert), ec);
  if (!ec) context_.use_private_key(boost::asio::buffer(key), ssl::context::pem, ec);
  if (ec) throw std::runtime_error("the TLS certificate or key is not usable: " + ec.message());
}

}  // namespace decnet::decky
