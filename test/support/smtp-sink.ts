import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface SmtpSink {
  /** smtp://user:pass@127.0.0.1:<port> */
  url: string;
  mails: ReceivedMail[];
  /** Mails received for this address, oldest first. */
  to(address: string): ReceivedMail[];
  /** While true, every message is refused with 554 (a failing mail server). */
  refuse: boolean;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps what it receives. A message is stored before the
 * server answers 250, so once Hangar's request has returned, its mail is in `mails`.
 */
export async function startSmtpSink(credentials = { user: 'hangar', pass: 'sink-password' }): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let closing: Promise<void> | undefined;
  const sink: SmtpSink = {
    url: '',
    mails,
    refuse: false,
    to: (address) => mails.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase())),
    close: () => (closing ??= new Promise((resolve) => server.close(() => resolve()))),
  };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (sink.refuse) {
            const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
            err.responseCode = 554;
            return callback(err);
          }
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch((err) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  sink.url = `smtp://${credentials.user}:${credentials.pass}@127.0.0.1:${port}`;
  return sink;
}

/** The first http(s) URL in a mail's text. */
export function linkIn(mail: ReceivedMail): URL {
  const m = /https?:\/\/\S+/.exec(mail.text);
  if (!m) throw new Error(`no link in mail "${mail.subject}": ${mail.text}`);
  return new URL(m[0]);
}
