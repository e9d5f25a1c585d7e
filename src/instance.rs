//! One window per data folder. The window listens on a local socket: a Unix
//! domain socket in the data folder on Linux and macOS, a named pipe on
//! Windows (named after the data folder, so each folder has its own). A
//! second start of ringdesk — a `tel:` link clicked in a browser runs
//! `ringdesk dial tel:…` — connects, hands over what it was asked to do and
//! exits; with nobody listening, it opens the window itself.
//!
//! The `interprocess` crate gives the one API over both kinds of socket, so
//! the Windows side needs no code of its own here.
//!
//! The protocol is one line each way: `dial NUMBER` or `show`, answered by
//! `ok`. A socket file left behind by a window that crashed is taken over by
//! the next window.

use std::io::{self, BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use interprocess::local_socket::prelude::*;
use interprocess::local_socket::{ListenerOptions, Name, Stream};

use crate::config::DataDirs;

/// How long a second start waits for the window's answer.
const ANSWER_WAIT: Duration = Duration::from_secs(5);

/// The longest request line read (a number is far shorter).
const MAX_LINE_BYTES: u64 = 4096;

/// What another start of ringdesk asks the running window to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Come to the front.
    Show,
    /// Come to the front with the dial dialog open on this number (as
    /// found in the link, not yet read as a phone number).
    Dial(String),
}

impl Request {
    fn line(&self) -> String {
        match self {
            Self::Show => "show\n".to_owned(),
            // A number has no line breaks; any in a hostile link go.
            Self::Dial(number) => format!("dial {}\n", number.replace(['\r', '\n'], " ")),
        }
    }

    fn from_line(line: &str) -> Option<Self> {
        let line = line.trim_end_matches(['\r', '\n']);
        if line == "show" {
            return Some(Self::Show);
        }
        line.strip_prefix("dial ")
            .map(|number| Self::Dial(number.to_owned()))
    }
}

/// Hands `request` to the window running on `dirs`' data folder.
///
/// Returns `Ok(false)` when no window is listening there (none running, or
/// one that crashed left its socket file), and `Ok(true)` once the window
/// has taken the request.
///
/// # Errors
/// When a window is listening but does not answer within five seconds or
/// answers something else.
pub fn hand_over(dirs: &DataDirs, request: &Request) -> io::Result<bool> {
    let name = socket_name(&dirs.link_socket())?;
    let mut stream = match Stream::connect(name) {
        Ok(stream) => stream,
        Err(error) if nobody_listens(&error) => return Ok(false),
        Err(error) => return Err(error),
    };
    stream.set_recv_timeout(Some(ANSWER_WAIT))?;
    stream.set_send_timeout(Some(ANSWER_WAIT))?;
    stream.write_all(request.line().as_bytes())?;
    let mut answer = String::new();
    BufReader::new(&mut stream)
        .take(MAX_LINE_BYTES)
        .read_line(&mut answer)?;
    if answer.trim_end() == "ok" {
        Ok(true)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the running window answered {answer:?}"),
        ))
    }
}

/// The running window's end of the socket.
pub struct Listener {
    inner: interprocess::local_socket::Listener,
}

impl Listener {
    /// Listens on `dirs`' data folder, taking over a socket file that a
    /// window which crashed left behind.
    ///
    /// # Errors
    /// When the socket cannot be made (no such folder, no permission, or on
    /// Windows a window already listening).
    pub fn bind(dirs: &DataDirs) -> io::Result<Self> {
        let name = socket_name(&dirs.link_socket())?;
        let inner = ListenerOptions::new()
            .name(name)
            .try_overwrite(true)
            .max_spin_time(Duration::from_secs(1))
            .create_sync()?;
        Ok(Self { inner })
    }

    /// Answers each start that connects on a thread of its own and passes
    /// what it asked for to `deliver`, until `deliver` returns `false` (its
    /// receiver has gone).
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn serve(
        self,
        deliver: impl Fn(Request) -> bool + Send + 'static,
    ) -> io::Result<JoinHandle<()>> {
        std::thread::Builder::new()
            .name("ringdesk-links".to_owned())
            .spawn(move || {
                for stream in self.inner.incoming() {
                    let stream = match stream {
                        Ok(stream) => stream,
                        Err(error) => {
                            tracing::warn!("a start of ringdesk could not connect: {error}");
                            continue;
                        }
                    };
                    match answer(stream) {
                        Ok(request) => {
                            tracing::debug!(?request, "another start handed over");
                            if !deliver(request) {
                                return;
                            }
                        }
                        Err(error) => {
                            tracing::warn!("a start of ringdesk sent nothing usable: {error}");
                        }
                    }
                }
            })
    }

    /// As [`Listener::serve`], into a channel: for the headless listener and
    /// tests.
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn serve_channel(self) -> io::Result<mpsc::Receiver<Request>> {
        let (sender, receiver) = mpsc::channel();
        self.serve(move |request| sender.send(request).is_ok())?;
        Ok(receiver)
    }
}

/// Reads one request and says `ok` to it.
fn answer(mut stream: Stream) -> io::Result<Request> {
    stream.set_recv_timeout(Some(ANSWER_WAIT))?;
    stream.set_send_timeout(Some(ANSWER_WAIT))?;
    let mut line = String::new();
    BufReader::new(&mut stream)
        .take(MAX_LINE_BYTES)
        .read_line(&mut line)?;
    let request = Request::from_line(&line).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unknown request {line:?}"),
        )
    })?;
    stream.write_all(b"ok\n")?;
    Ok(request)
}

/// Whether a failed connect means that no window is listening.
fn nobody_listens(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
    )
}

/// The socket for a data folder: the file itself on Unix; on Windows a pipe
/// `\\.\pipe\ringdesk-<hash of the path>`, as pipes live outside folders.
#[cfg(unix)]
fn socket_name(path: &Path) -> io::Result<Name<'static>> {
    use interprocess::local_socket::GenericFilePath;
    path.to_owned().to_fs_name::<GenericFilePath>()
}

/// The socket for a data folder: the file itself on Unix; on Windows a pipe
/// `\\.\pipe\ringdesk-<hash of the path>`, as pipes live outside folders.
#[cfg(not(unix))]
fn socket_name(path: &Path) -> io::Result<Name<'static>> {
    use std::fmt::Write as _;

    use interprocess::local_socket::GenericNamespaced;
    use sha2::{Digest as _, Sha256};

    let hash = Sha256::digest(path.to_string_lossy().to_lowercase().as_bytes());
    let mut name = "ringdesk-".to_owned();
    for byte in hash.iter().take(12) {
        write!(name, "{byte:02x}").ok();
    }
    name.to_ns_name::<GenericNamespaced>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_go_over_one_line_each() {
        for request in [
            Request::Show,
            Request::Dial("+82-10-1234-5678".to_owned()),
            Request::Dial("02 2299 7123".to_owned()),
        ] {
            assert_eq!(Request::from_line(&request.line()), Some(request));
        }
        assert_eq!(
            Request::Dial("010\n1234".to_owned()).line(),
            "dial 010 1234\n"
        );
        assert_eq!(Request::from_line("quit\n"), None);
    }

    #[test]
    fn a_second_start_hands_over_to_the_listener() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = DataDirs::inside(dir.path());
        assert!(
            !hand_over(&dirs, &Request::Show).unwrap(),
            "nobody listens yet"
        );
        let received = Listener::bind(&dirs).unwrap().serve_channel().unwrap();
        let dial = Request::Dial("+82-10-1234-5678".to_owned());
        assert!(hand_over(&dirs, &dial).unwrap());
        assert_eq!(received.recv_timeout(ANSWER_WAIT).unwrap(), dial);
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_file_left_behind_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = DataDirs::inside(dir.path());
        // A listener that went away without removing its file.
        let stale = std::os::unix::net::UnixListener::bind(dirs.link_socket()).unwrap();
        drop(stale);
        assert!(dirs.link_socket().exists());
        assert!(!hand_over(&dirs, &Request::Show).unwrap());
        let received = Listener::bind(&dirs).unwrap().serve_channel().unwrap();
        assert!(hand_over(&dirs, &Request::Show).unwrap());
        assert_eq!(received.recv_timeout(ANSWER_WAIT).unwrap(), Request::Show);
    }
}
