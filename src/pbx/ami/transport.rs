//! The byte stream to the PBX: TCP, or TLS over it, opened within the
//! connect timeout.
//!
//! TLS uses rustls with the `ring` provider. The PBX's certificate must
//! chain to a public root (webpki-roots, the Mozilla set built in, so a
//! Windows desktop needs no system store) or to the PEM certificate in
//! [`AmiSettings::extra_root_cert`]: a PBX's self-signed certificate or the
//! company's own CA. There is no "accept any certificate" switch: the AMI
//! secret and customers' numbers cross this link.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto};

use super::error::LinkError;
use super::settings::AmiSettings;

/// A connected byte stream, plain or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Opens the stream `settings` describe: TCP connect, then the TLS handshake
/// when `settings.tls`, both within `settings.connect_timeout`.
pub async fn connect(settings: &AmiSettings) -> Result<Box<dyn Stream>, LinkError> {
    let target = format!("{}:{}", settings.host, settings.port);
    let deadline = Instant::now() + settings.connect_timeout;
    let timed_out = || LinkError::ConnectTimeout {
        target: target.clone(),
        timeout: settings.connect_timeout,
    };
    let tcp = timeout_at(
        deadline,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    .map_err(|_| timed_out())?
    .map_err(|source| LinkError::Connect {
        target: target.clone(),
        source,
    })?;
    // Actions are small and answered one by one; do not let Nagle hold them.
    tcp.set_nodelay(true).ok();
    if !settings.tls {
        return Ok(Box::new(tcp));
    }
    let connector = connector(settings.extra_root_cert.as_deref())?;
    let name = ServerName::try_from(settings.host.clone())
        .map_err(|err| LinkError::TlsSetup(format!("'{}': {err}", settings.host)))?;
    let tls = timeout_at(deadline, connector.connect(name, tcp))
        .await
        .map_err(|_| timed_out())?
        .map_err(|source| LinkError::TlsHandshake {
            target: target.clone(),
            source,
        })?;
    Ok(Box::new(tls))
}

/// A TLS connector trusting the public roots and `extra_root_cert` (PEM).
pub fn connector(extra_root_cert: Option<&[u8]>) -> Result<TlsConnector, LinkError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_root_cert {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|err| {
                LinkError::TlsSetup(format!("the extra root certificate is not PEM: {err}"))
            })?;
            roots.add(cert).map_err(|err| {
                LinkError::TlsSetup(format!("the extra root certificate cannot be used: {err}"))
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(LinkError::TlsSetup(
                "the extra root certificate holds no CERTIFICATE block".to_owned(),
            ));
        }
    }
    let config = ClientConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|err| LinkError::TlsSetup(err.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_extra_certificate_is_a_setup_error() {
        let Err(LinkError::TlsSetup(text)) = connector(Some(b"not a certificate")) else {
            panic!("accepted garbage");
        };
        assert!(text.contains("no CERTIFICATE"), "{text}");
        assert!(connector(None).is_ok());
    }
}
