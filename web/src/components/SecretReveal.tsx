// A secret the server shows exactly once (a generated password, a webhook signing secret): kept
// in component state only, never in storage or the URL, and gone when the panel is dismissed.
import { CopyButton } from "./CopyButton";

export function SecretReveal({ title, secret, onDismiss }: { title: string; secret: string; onDismiss: () => void }) {
  return (
    <div className="card secret-reveal" role="alert" aria-labelledby="secret-title">
      <h2 id="secret-title">{title}</h2>
      <p>It is shown only now. Copy it to where it is needed before closing this panel.</p>
      <p>
        <code className="secret" data-testid="revealed-secret">
          {secret}
        </code>{" "}
        <CopyButton text={secret} />
      </p>
      <button type="button" onClick={onDismiss}>
        I have stored it
      </button>
    </div>
  );
}
