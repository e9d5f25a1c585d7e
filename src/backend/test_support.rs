//! What the backend's tests share: a backend on a store, and waiting for
//! the event a test expects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Backend, Event};
use crate::config::Settings;
use crate::store::Store;

/// How long a test waits for an event.
const WAIT: Duration = Duration::from_secs(20);

/// A backend on `store` with `settings`; settings it saves go nowhere
/// anyone reads.
pub(super) fn spawn(store: Store, settings: Settings) -> Backend {
    let settings_file = std::env::temp_dir().join("ringdesk-backend-test-unused.toml");
    Backend::spawn(store, settings, settings_file, Arc::new(|| {})).unwrap()
}

/// The next event `pick` accepts, skipping others.
pub(super) fn wait_for<T>(backend: &Backend, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Some(found) = backend
            .wait_event(Duration::from_millis(100))
            .and_then(&mut pick)
        {
            return found;
        }
    }
    panic!("the event did not come");
}
