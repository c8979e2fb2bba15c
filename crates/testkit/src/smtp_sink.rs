//! A stand-in mail server: enough SMTP (greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
//! QUIT) on `127.0.0.1:0` to receive what Cognate sends with `email.smtp_url`, keeping each
//! message for tests to read. `set_down(true)` makes it refuse every session with a 421
//! greeting, as a mail server that is unavailable does, so delivery retries can be tested.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// One message as received.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub recipients: Vec<String>,
    /// The DATA section, headers and body, dot-unstuffed, lines joined with `\n`.
    pub data: String,
}

impl ReceivedMail {
    /// The first header `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.data.split_once("\n\n").unwrap_or((&self.data, ""));
        let mut value: Option<String> = None;
        for line in head.lines() {
            if let Some(current) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    current.push_str(line);
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                value = Some(rest.trim().to_string());
            }
        }
        value
    }

    pub fn body(&self) -> &str {
        self.data.split_once("\n\n").map_or("", |(_, body)| body)
    }
}

#[derive(Default)]
struct Inbox {
    mail: Mutex<Vec<ReceivedMail>>,
    arrived: Notify,
    down: AtomicBool,
    refused: AtomicUsize,
}

pub struct SmtpSink {
    /// `smtp://127.0.0.1:<port>`, for `email.smtp_url`.
    pub url: String,
    inbox: Arc<Inbox>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the SMTP sink");
        let url = format!("smtp://{}", listener.local_addr().expect("bound"));
        let inbox = Arc::new(Inbox::default());
        let accepting = inbox.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inbox = accepting.clone();
                tokio::spawn(async move {
                    let _ = session(stream, &inbox).await;
                });
            }
        });
        Self { url, inbox }
    }

    /// Down: every session is refused with `421` at the greeting.
    pub fn set_down(&self, down: bool) {
        self.inbox.down.store(down, Ordering::SeqCst);
        self.inbox.arrived.notify_waiters();
    }

    /// Sessions refused while down.
    pub fn refused(&self) -> usize {
        self.inbox.refused.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.inbox.mail.lock().expect("inbox lock").clone()
    }

    /// Waits until `done` holds of the sink (re-checked on each arrival or refusal), at most
    /// 30 seconds; panics then, naming `what`.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&Self) -> bool) {
        let waiting = async {
            loop {
                let arrived = self.inbox.arrived.notified();
                if done(self) {
                    return;
                }
                // A notification between the check and here is not lost: `notified` was
                // created first. The tick covers a change with no session at all.
                let _ = tokio::time::timeout(Duration::from_millis(200), arrived).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(30), waiting)
            .await
            .unwrap_or_else(|_| panic!("the SMTP sink never saw {what}"));
    }

    /// Waits for a message to `recipient` and returns the newest.
    pub async fn mail_to(&self, recipient: &str) -> ReceivedMail {
        let to = |mail: &ReceivedMail| mail.recipients.iter().any(|r| r == recipient);
        self.wait_for(&format!("mail to {recipient}"), |sink| {
            sink.received().iter().any(to)
        })
        .await;
        self.received()
            .into_iter()
            .rev()
            .find(to)
            .expect("a mail to the recipient")
    }
}

/// The address inside `FROM:<addr>` / `TO:<addr> ...`.
fn path_argument(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_string()
}

async fn session(stream: TcpStream, inbox: &Inbox) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if inbox.down.load(Ordering::SeqCst) {
        write
            .write_all(b"421 4.3.2 sink down, try again later\r\n")
            .await?;
        inbox.refused.fetch_add(1, Ordering::SeqCst);
        inbox.arrived.notify_waiters();
        return Ok(());
    }
    write
        .write_all(b"220 cognate-testkit ESMTP sink\r\n")
        .await?;
    let mut mail_from = String::new();
    let mut recipients = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let verb = line.get(..4).unwrap_or(&line).to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-cognate-testkit\r\n250 8BITMIME\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                mail_from.clear();
                recipients.clear();
                b"250 OK\r\n"
            }
            "MAIL" => {
                mail_from = path_argument(&line);
                b"250 OK\r\n"
            }
            "RCPT" => {
                recipients.push(path_argument(&line));
                b"250 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = Vec::new();
                while let Some(line) = lines.next_line().await? {
                    if line == "." {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.push(unstuffed.to_string());
                }
                inbox.mail.lock().expect("inbox lock").push(ReceivedMail {
                    mail_from: std::mem::take(&mut mail_from),
                    recipients: std::mem::take(&mut recipients),
                    data: data.join("\n"),
                });
                inbox.arrived.notify_waiters();
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}
