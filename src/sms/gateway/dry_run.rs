//! The training gateway: it takes every message (an MMS's picture too),
//! sends nothing, and reports each one delivered, so an agent can practise
//! with real customers' cards without texting them.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use super::{
    Accepted, BoxFuture, DeliveryOutcome, GatewayError, GatewayReport, Outgoing, SmsGateway,
};

/// Takes and "delivers" every message without sending it.
#[derive(Debug)]
pub struct DryRun {
    reports: mpsc::Sender<GatewayReport>,
    next_ref: AtomicU64,
}

impl DryRun {
    /// A dry-run gateway whose delivery reports go to `reports`.
    #[must_use]
    pub fn new(reports: mpsc::Sender<GatewayReport>) -> Self {
        Self {
            reports,
            next_ref: AtomicU64::new(1),
        }
    }
}

impl SmsGateway for DryRun {
    fn name(&self) -> &'static str {
        "dry-run"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, GatewayError>> {
        Box::pin(async move {
            let gateway_ref = format!("dry-run-{}", self.next_ref.fetch_add(1, Ordering::Relaxed));
            // The report is sent after the answer is returned: the outbox
            // must cope with either order, and this is the usual one.
            let reports = self.reports.clone();
            let report = GatewayReport::Delivery {
                uid: message.uid.clone(),
                gateway_ref: Some(gateway_ref.clone()),
                outcome: DeliveryOutcome::Delivered,
            };
            tokio::spawn(async move {
                // A closed channel means the outbox has stopped: nobody to tell.
                reports.send(report).await.ok();
            });
            Ok(Accepted {
                gateway_ref: Some(gateway_ref),
            })
        })
    }

    fn reports_delivery(&self) -> bool {
        true
    }

    fn deduplicates(&self) -> bool {
        // Sending nothing twice is still sending nothing.
        true
    }

    fn carries_pictures(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MessageKind;

    #[tokio::test]
    async fn takes_and_delivers_every_message() {
        let (sender, mut reports) = mpsc::channel(4);
        let gateway = DryRun::new(sender);
        let message = Outgoing {
            uid: "u-1".to_owned(),
            to: "+821012345678".to_owned(),
            from: "+8215881234".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "안녕하세요".to_owned(),
            picture: None,
        };
        let accepted = gateway.send(&message).await.unwrap();
        assert_eq!(accepted.gateway_ref.as_deref(), Some("dry-run-1"));
        let report = reports.recv().await.unwrap();
        assert_eq!(
            report,
            GatewayReport::Delivery {
                uid: "u-1".to_owned(),
                gateway_ref: Some("dry-run-1".to_owned()),
                outcome: DeliveryOutcome::Delivered,
            }
        );
        assert_eq!(gateway.balance().await, Ok(None));

        let mms = Outgoing {
            uid: "u-2".to_owned(),
            kind: MessageKind::Mms,
            picture: Some(crate::domain::Picture::new(vec![0xFF, 0xD8, 0xFF])),
            ..message
        };
        assert!(gateway.send(&mms).await.is_ok());
        assert!(matches!(
            reports.recv().await.unwrap(),
            GatewayReport::Delivery { uid, outcome: DeliveryOutcome::Delivered, .. } if uid == "u-2"
        ));
    }
}
