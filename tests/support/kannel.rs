//! A real Kannel for tests and benchmarks: bearerbox, smsbox and the fake
//! SMS centre `fakesmsc` from the Debian packages `kannel` and
//! `kannel-extras`, on free loopback ports, with their own configuration
//! and store in a temporary folder.
//!
//! Kannel is set up the way the README tells an operator to: a
//! `sendsms-user`, a catch-all `sms-service` whose `get-url` is ringdesk's
//! listener (port [`KannelRig::dlr_port`], chosen here so the configuration
//! can name it), `mo-recode = true`. Two fake SMS centres: `fake`, which
//! takes every outgoing message and reports it delivered, and `fake-mo`,
//! which only ever carries messages from customers ([`KannelRig::inject_mo`])
//! — fakesmsc serves one connection per centre, so sending and receiving
//! need one each.
//!
//! What reaches the SMS centre is read from fakesmsc's "Got message N: <…>"
//! lines ([`KannelRig::received`]). Bearerbox can be stopped and started
//! again on the same ports and store ([`KannelRig::stop_kannel`],
//! [`KannelRig::start_kannel`]); the fake SMS centre can be taken away so
//! messages wait in bearerbox's store ([`KannelRig::stop_smsc`]).
//! Everything is killed when the rig is dropped. Facts about Kannel this
//! relies on are in `/work/shared/notes/kannel.md`.
//!
//! The rig blocks while it waits (ports, process exits): call it from a
//! multi-threaded runtime, or outside one.

#![allow(dead_code)] // Each user (tests, benchmark) uses a different part.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ringdesk::config::KannelSettings;
use ringdesk::sms::gateway::listener::Listener;

/// What to do when Kannel is not installed.
pub const INSTALL: &str = "install Kannel: sudo apt-get install -y kannel kannel-extras";
/// The sendsms user's name and password.
pub const USERNAME: &str = "ringdesk";
/// See [`USERNAME`].
pub const PASSWORD: &str = "s3cret-sendsms";
const ADMIN_PASSWORD: &str = "s3cret-admin";
const BEARERBOX: &str = "/usr/sbin/bearerbox";
const SMSBOX: &str = "/usr/sbin/smsbox";
const FAKESMSC: &str = "/usr/lib/kannel/test/fakesmsc";
/// How long Kannel gets to start or stop before the rig gives up.
const PATIENCE: Duration = Duration::from_secs(20);

/// A message as it reached the fake SMS centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The sender as Kannel passed it on.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// `text`, `data`, `ucs-2` or `udh` as fakesmsc names the coding.
    pub coding: String,
    /// The text decoded (for `ucs-2`: the UTF-16BE bytes). For a part of a
    /// long message (`udh`) fakesmsc does not say the coding; the part is
    /// read as UTF-16BE, which is how ringdesk sends every long Korean text.
    pub text: String,
    /// A part's user data header (`05 00 03 ref total seq`); empty for a
    /// message in one piece.
    pub udh: Vec<u8>,
}

/// How many sets of ports a start tries before it gives up.
const PORT_ATTEMPTS: usize = 3;

/// The ports Kannel listens on.
#[derive(Debug, Clone, Copy)]
struct Ports {
    admin: u16,
    smsbox: u16,
    smsc: u16,
    smsc_mo: u16,
    sendsms: u16,
    dlr: u16,
}

/// A running Kannel; everything stops when it is dropped.
pub struct KannelRig {
    dir: tempfile::TempDir,
    ports: Ports,
    bearerbox: Option<Child>,
    smsbox: Option<Child>,
    fakesmsc: Option<Child>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl KannelRig {
    /// Starts bearerbox, smsbox and the fake SMS centre and waits until
    /// sendsms answers and the SMS centre is online. Panics with
    /// [`INSTALL`] when Kannel is missing.
    pub fn start() -> Self {
        for program in [BEARERBOX, SMSBOX, FAKESMSC] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: {INSTALL}"
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("kannel-")
            .tempdir()
            .unwrap();
        // Bearerbox will not start without its store's folder.
        std::fs::create_dir(dir.path().join("spool")).unwrap();
        let mut rig = Self {
            dir,
            ports: free_ports(),
            bearerbox: None,
            smsbox: None,
            fakesmsc: None,
            received: Arc::new(Mutex::new(Vec::new())),
        };
        // The ports were free when picked, but another test may take one
        // before Kannel binds it: then start again on other ports.
        let mut failure = String::new();
        for _ in 0..PORT_ATTEMPTS {
            std::fs::write(
                rig.dir.path().join("kannel.conf"),
                config(rig.dir.path(), rig.ports),
            )
            .unwrap();
            match rig.try_start_kannel() {
                Ok(()) => return rig,
                Err(why) => failure = why,
            }
            rig.kill_kannel();
            rig.ports = free_ports();
        }
        panic!("{failure}");
    }

    /// ringdesk's settings for this Kannel; `dlr_port` is where the
    /// configured `get-url` points.
    pub fn settings(&self) -> KannelSettings {
        KannelSettings {
            sendsms_url: self.sendsms_url(),
            username: USERNAME.to_owned(),
            password: PASSWORD.to_owned(),
            dlr_port: self.ports.dlr,
        }
    }

    /// smsbox's sendsms address.
    pub fn sendsms_url(&self) -> String {
        format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.ports.sendsms)
    }

    /// The port ringdesk's listener must take (the `get-url`'s).
    pub fn dlr_port(&self) -> u16 {
        self.ports.dlr
    }

    /// The folder with kannel.conf, the logs and the store.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Starts bearerbox, smsbox and the fake SMS centre (again) on the same
    /// ports and store, and waits until they are ready.
    pub fn start_kannel(&mut self) {
        // Started again right after a kill on a busy machine, Kannel now and
        // then loses its new smsbox as it connects (a PANIC in smsbox's
        // lock_out, with the old smsbox still restarting): start it again.
        let mut failure = String::new();
        for _ in 0..3 {
            match self.try_start_kannel() {
                Ok(()) => return,
                Err(why) => failure = why,
            }
            self.kill_kannel();
        }
        panic!("{failure}");
    }

    fn try_start_kannel(&mut self) -> Result<(), String> {
        assert!(self.bearerbox.is_none(), "bearerbox is already running");
        let child = self.spawn_box(BEARERBOX, "bearerbox");
        let bearerbox_log = self.dir.path().join("bearerbox.log");
        let ports = self.ports;
        let bearerbox = self.bearerbox.insert(child);
        wait_for_port(ports.admin, "bearerbox", &bearerbox_log, bearerbox)?;
        wait_for_port(ports.smsbox, "bearerbox", &bearerbox_log, bearerbox)?;
        let child = self.spawn_box(SMSBOX, "smsbox");
        let smsbox_log = self.dir.path().join("smsbox.log");
        let smsbox = self.smsbox.insert(child);
        wait_for_port(ports.sendsms, "smsbox", &smsbox_log, smsbox)?;
        self.start_smsc();
        Ok(())
    }

    /// Kills whatever of Kannel is running, at once (SIGKILL), as a crash
    /// or a power cut would: connections break off mid-request, and what
    /// bearerbox had not written to its store is gone.
    pub fn kill_kannel(&mut self) {
        for child in [&mut self.bearerbox, &mut self.smsbox, &mut self.fakesmsc] {
            if let Some(mut process) = child.take() {
                process.kill().ok();
                process.wait().ok();
            }
        }
    }

    /// Shuts bearerbox down as an operator would (admin `shutdown`), which
    /// keeps the messages it has not delivered in its store, and waits
    /// until bearerbox, smsbox and fakesmsc have exited.
    pub fn stop_kannel(&mut self) {
        admin(self.ports.admin, "shutdown");
        for child in [&mut self.bearerbox, &mut self.smsbox, &mut self.fakesmsc] {
            if let Some(mut process) = child.take() {
                wait_or_kill(&mut process);
            }
        }
    }

    /// Connects the fake SMS centre (again) and waits until bearerbox shows
    /// it online; messages waiting in the store go out now.
    pub fn start_smsc(&mut self) {
        assert!(self.fakesmsc.is_none(), "fakesmsc is already running");
        let mut child = Command::new(FAKESMSC)
            .args(["-H", "127.0.0.1", "-r", &self.ports.smsc.to_string()])
            // -m 0: send no messages of its own; -v 0: print those it gets.
            .args(["-m", "0", "-v", "0", "x y text unused"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        for output in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let received = Arc::clone(&self.received);
            std::thread::spawn(move || {
                for line in BufReader::new(output).lines() {
                    let Ok(line) = line else { break };
                    if let Some(message) = parse_got_message(&line) {
                        received.lock().unwrap().push(message);
                    }
                }
            });
        }
        self.fakesmsc = Some(child);
        let deadline = Instant::now() + PATIENCE;
        while !smsc_online(self.ports.admin) {
            assert!(Instant::now() < deadline, "fakesmsc did not come online");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Takes the fake SMS centre away: bearerbox then keeps new messages in
    /// its store ("3: Queued for later delivery").
    pub fn stop_smsc(&mut self) {
        if let Some(mut child) = self.fakesmsc.take() {
            child.kill().ok();
            child.wait().ok();
        }
        let deadline = Instant::now() + PATIENCE;
        while smsc_online(self.ports.admin) {
            assert!(
                Instant::now() < deadline,
                "bearerbox still shows the SMSC online"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every message the fake SMS centre has got so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// How many messages the fake SMS centre has got.
    pub fn received_count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Waits until the fake SMS centre has got at least `count` messages
    /// and returns them; panics after `timeout`.
    pub fn wait_received(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "the fake SMS centre got {} of {count} messages: {received:?}",
                received.len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends one message from a customer (`from`) to `to` through the
    /// `fake-mo` SMS centre, as UCS-2 (as a phone sends Korean), and waits
    /// until bearerbox has it.
    pub fn inject_mo(&self, from: &str, to: &str, text: &str) {
        let before = mo_received(self.ports.admin);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let encoded = utf16.iter().fold(String::new(), |mut encoded, byte| {
            write!(encoded, "%{byte:02X}").unwrap();
            encoded
        });
        let mut child = Command::new(FAKESMSC)
            .args(["-H", "127.0.0.1", "-r", &self.ports.smsc_mo.to_string()])
            .args(["-m", "1", "-i", "0.01", "-v", "4"])
            // fakesmsc reads the type `ucs2` but prints `ucs-2`.
            .arg(format!("{from} {to} ucs2 {encoded}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // fakesmsc stays connected after its last message; it is done once
        // bearerbox counts the message.
        let deadline = Instant::now() + PATIENCE;
        while mo_received(self.ports.admin) <= before {
            assert!(
                Instant::now() < deadline,
                "bearerbox did not get the message"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().ok();
        child.wait().ok();
    }

    fn spawn_box(&self, program: &str, name: &str) -> Child {
        // Console output only for errors (-v 4); the log files have more.
        let stderr = std::fs::File::create(self.dir.path().join(format!("{name}.stderr"))).unwrap();
        Command::new(program)
            .args(["-v", "4"])
            .arg(self.dir.path().join("kannel.conf"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap()
    }
}

impl Drop for KannelRig {
    fn drop(&mut self) {
        self.kill_kannel();
    }
}

/// Six ports that were free a moment ago, taken at once so two of them
/// cannot be the same.
fn free_ports() -> Ports {
    let listeners: Vec<TcpListener> = (0..6)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let port = |index: usize| listeners[index].local_addr().unwrap().port();
    Ports {
        admin: port(0),
        smsbox: port(1),
        smsc: port(2),
        smsc_mo: port(3),
        sendsms: port(4),
        dlr: port(5),
    }
}

fn config(dir: &Path, ports: Ports) -> String {
    let dir = dir.display();
    let get_url = Listener::get_url(ports.dlr);
    format!(
        r#"group = core
admin-port = {admin}
admin-interface = 127.0.0.1
admin-password = {ADMIN_PASSWORD}
smsbox-port = {smsbox}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 2
store-type = file
store-location = "{dir}/spool/store"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsc
smsc = fake
smsc-id = fake-mo
allowed-smsc-id = fake-mo
port = {smsc_mo}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-file = "{dir}/smsbox.log"
log-level = 2
mo-recode = true
http-request-retry = 600
http-queue-delay = 1

group = sendsms-user
username = {USERNAME}
password = {PASSWORD}
concatenation = true
max-messages = 10

group = sms-service
keyword = default
catch-all = true
get-url = "{get_url}"
max-messages = 0
"#,
        admin = ports.admin,
        smsbox = ports.smsbox,
        smsc = ports.smsc,
        smsc_mo = ports.smsc_mo,
        sendsms = ports.sendsms,
    )
}

/// Waits until `process` listens on `port`; fails at once when it has
/// exited (a port taken since it was picked makes Kannel give up).
fn wait_for_port(port: u16, name: &str, log: &PathBuf, process: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        let exited = matches!(process.try_wait(), Ok(Some(_)));
        if exited || Instant::now() >= deadline {
            return Err(format!(
                "{name} did not listen on {port}; its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// Waits for a Kannel process to exit by itself; kills it after [`PATIENCE`].
fn wait_or_kill(child: &mut Child) {
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A bearerbox admin command (`shutdown`, `status.txt`); the answer, or
/// empty when bearerbox does not answer.
fn admin(port: u16, command: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let request =
        format!("GET /{command}?password={ADMIN_PASSWORD} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok();
    answer
}

/// Whether bearerbox shows the `fake` SMS centre connected.
fn smsc_online(admin_port: u16) -> bool {
    admin(admin_port, "status.txt")
        .lines()
        .any(|line| line.trim_start().starts_with("fake[") && line.contains("online"))
}

/// How many messages bearerbox has received from the `fake-mo` SMS centre
/// (its status line: `fake-mo[fake-mo] FAKE:port (online 1s, rcvd: sms 1 (…`).
fn mo_received(admin_port: u16) -> u64 {
    admin(admin_port, "status.txt")
        .lines()
        .find(|line| line.trim_start().starts_with("fake-mo["))
        .and_then(|line| line.split_once("rcvd: sms "))
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

/// A "Got message N: <from to coding data>" line of fakesmsc.
fn parse_got_message(line: &str) -> Option<Received> {
    let (_, rest) = line.split_once("Got message ")?;
    let start = rest.find('<')?;
    let inner = rest.get(start + 1..)?.strip_suffix('>')?;
    let mut fields = inner.splitn(4, ' ');
    let from = fields.next()?.to_owned();
    let to = fields.next()?.to_owned();
    let coding = fields.next()?.to_owned();
    let data = fields.next().unwrap_or("");
    let mut udh = Vec::new();
    let text = match coding.as_str() {
        "ucs-2" => utf16be(&url_decode(data)),
        "udh" => {
            // `udh <header> data <part>`, both URL-encoded.
            let (header, part) = data.split_once(" data ")?;
            udh = url_decode(header);
            utf16be(&url_decode(part))
        }
        "data" => String::from_utf8_lossy(&url_decode(data)).into_owned(),
        _ => data.to_owned(),
    };
    Some(Received {
        from,
        to,
        coding,
        text,
        udh,
    })
}

fn utf16be(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// fakesmsc's URL encoding: `%XX` bytes and `+` for a space.
fn url_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                if let Ok(byte) = u8::from_str_radix(hex, 16) {
                    decoded.push(byte);
                    index += 2;
                } else {
                    decoded.push(b'%');
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    decoded
}
