//! A gate that blocks or admits waiting tasks.
//!
//! Nomad's Gate runs a producer goroutine that feeds a channel while open.
//! This one is event-driven: a closed gate costs nothing, an open gate admits
//! a waiter at once, and opening tags every waiter registered at that instant
//! as admitted, so it proceeds even if the gate closes before it is polled.
//!
//! Waiter bookkeeping is `event-listener`'s (smol's primitive): it is
//! runtime-agnostic, `Send + Sync`, removes a listener when it is dropped, and
//! its tagged notifications carry *why* a waiter was woken (admitted or shut
//! down), which is exactly the deterministic admission rule above.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use event_listener::{Event, EventListener, IntoNotification};

use crate::error::Shutdown;

const OPEN: u8 = 1;
const SHUT: u8 = 2;

/// What a woken waiter learns.
type Admission = Result<(), Shutdown>;

struct Inner {
    state: AtomicU8,
    waiters: Event<Admission>,
}

/// Blocks waiters while closed, admits them while open. Initially closed.
///
/// Cloning gives another handle to the same gate.
#[derive(Clone)]
pub struct Gate {
    inner: Arc<Inner>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new()
    }
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gate")
            .field("open", &self.is_open())
            .field("shut_down", &self.is_shut_down())
            .field("waiters", &self.waiter_count())
            .finish()
    }
}

impl Gate {
    /// A new, closed gate.
    pub fn new() -> Self {
        Gate {
            inner: Arc::new(Inner {
                state: AtomicU8::new(0),
                waiters: Event::with_tag(),
            }),
        }
    }

    fn state(&self) -> u8 {
        self.inner.state.load(Ordering::SeqCst)
    }

    /// Whether a wait started now would be admitted at once.
    pub fn is_open(&self) -> bool {
        self.state() == OPEN
    }

    /// Whether [`Gate::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        self.state() & SHUT != 0
    }

    /// Admits every current and future waiter until [`Gate::close`].
    /// Does nothing after shutdown. Returns whether the gate changed.
    pub fn open(&self) -> bool {
        let changed = self
            .inner
            .state
            .compare_exchange(0, OPEN, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        // With nobody registered there is nobody to tag (and notifying would
        // allocate the listener list). A wait registering concurrently looks
        // at the state again after registering, so it cannot be missed.
        if changed && self.inner.waiters.total_listeners() > 0 {
            self.inner.waiters.notify(usize::MAX.tag(Ok(())));
        }
        changed
    }

    /// Blocks new waiters. Waiters already admitted stay admitted.
    /// Does nothing after shutdown. Returns whether the gate changed.
    pub fn close(&self) -> bool {
        self.inner
            .state
            .compare_exchange(OPEN, 0, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Fails every pending and later wait with [`Shutdown`] (waiters admitted
    /// before this stay admitted) and makes `open` and `close` do nothing.
    pub fn shutdown(&self) {
        if self.inner.state.swap(SHUT, Ordering::SeqCst) & SHUT == 0
            && self.inner.waiters.total_listeners() > 0
        {
            self.inner.waiters.notify(usize::MAX.tag(Err(Shutdown)));
        }
    }

    /// Makes this a closed gate that was never shut down: in place if
    /// nobody else holds it (no other handle, no registered wait), else by
    /// a new gate, so that the holders never see its later moves.
    ///
    /// Out of line: inlined once per gate, it made `Coordinator::reset`
    /// 1.6 KB of the npm core wasm (0.5 KB with this).
    #[inline(never)]
    pub(crate) fn reset(&mut self) {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) if inner.waiters.total_listeners() == 0 => *inner.state.get_mut() = 0,
            _ => *self = Gate::new(),
        }
    }

    /// A future that resolves when the gate admits the caller.
    ///
    /// The waiter is registered now, not at the first poll: a wait created
    /// while the gate is closed is admitted by the next `open` even if it has
    /// not been polled yet. Dropping it unregisters it.
    pub fn wait(&self) -> Wait {
        if let Some(now) = self.admission_now() {
            return Wait::ready(now);
        }
        let listener = self.inner.waiters.listen();
        // The gate may have opened or shut between the check and `listen`,
        // with nobody left to notify us: look again.
        match self.admission_now() {
            Some(now) => Wait::ready(now),
            None => Wait(WaitState::Listening(listener)),
        }
    }

    fn admission_now(&self) -> Option<Admission> {
        match self.state() {
            OPEN => Some(Ok(())),
            0 => None,
            _ => Some(Err(Shutdown)),
        }
    }

    /// How many waits are registered and not yet resolved or dropped.
    pub fn waiter_count(&self) -> usize {
        self.inner.waiters.total_listeners()
    }
}

/// The future returned by [`Gate::wait`]: `Ok(())` once admitted,
/// `Err(Shutdown)` if the gate was shut down first.
#[must_use = "a wait does nothing unless polled or awaited"]
pub struct Wait(WaitState);

enum WaitState {
    Ready(Admission),
    Listening(EventListener<Admission>),
}

impl Wait {
    pub(crate) fn ready(admission: Admission) -> Self {
        Wait(WaitState::Ready(admission))
    }

    /// Polls once, with no waker to call back: the outcome if the wait has
    /// resolved by now. For synchronous checks (test helpers, trace replay,
    /// the simulator's clock), not for waiting.
    pub fn now(&mut self) -> Option<Admission> {
        match Pin::new(self).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(admission) => Some(admission),
            Poll::Pending => None,
        }
    }
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            WaitState::Ready(admission) => f.debug_tuple("Wait::Ready").field(admission).finish(),
            WaitState::Listening(_) => f.write_str("Wait::Listening"),
        }
    }
}

impl Future for Wait {
    type Output = Admission;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Admission> {
        match &mut self.0 {
            // Polling again after completion keeps answering the same.
            WaitState::Ready(admission) => Poll::Ready(*admission),
            WaitState::Listening(listener) => match Pin::new(listener).poll(cx) {
                Poll::Ready(admission) => {
                    self.0 = WaitState::Ready(admission);
                    Poll::Ready(admission)
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll_once(wait: &mut Wait) -> Poll<Admission> {
        Pin::new(wait).poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn waits_are_send_sync_static() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Gate>();
        assert_send_sync::<Wait>();
    }

    #[test]
    fn open_tags_waiters_registered_before_it() {
        let gate = Gate::new();
        let mut early = gate.wait();
        assert!(poll_once(&mut early).is_pending());
        let mut unpolled = gate.wait();
        gate.open();
        gate.close();
        let mut late = gate.wait();
        assert_eq!(poll_once(&mut early), Poll::Ready(Ok(())));
        assert_eq!(poll_once(&mut unpolled), Poll::Ready(Ok(())));
        assert!(poll_once(&mut late).is_pending());
        assert_eq!(gate.waiter_count(), 1);
    }

    #[test]
    fn admitted_before_shutdown_stays_admitted() {
        let gate = Gate::new();
        let mut admitted = gate.wait();
        gate.open();
        gate.close();
        let mut refused = gate.wait();
        gate.shutdown();
        assert_eq!(poll_once(&mut admitted), Poll::Ready(Ok(())));
        assert_eq!(poll_once(&mut refused), Poll::Ready(Err(Shutdown)));
        assert_eq!(poll_once(&mut refused), Poll::Ready(Err(Shutdown)));
    }
}
