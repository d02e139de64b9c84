//! A concurrency limit that adapts: it halves on a 429 and creeps back up
//! (additive increase, multiplicative decrease) as calls succeed.

use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

#[derive(Debug)]
struct State {
    limit: f64,
    max: usize,
    in_flight: usize,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    notify: Notify,
}

/// Shared by every request to one provider.
#[derive(Debug, Clone)]
pub struct AdaptiveLimiter {
    inner: Arc<Inner>,
}

/// Holds one slot until dropped.
#[derive(Debug)]
pub struct Permit {
    inner: Arc<Inner>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        s.in_flight = s.in_flight.saturating_sub(1);
        drop(s);
        self.inner.notify.notify_waiters();
    }
}

impl AdaptiveLimiter {
    /// At most `max` calls at once (at least 1).
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let limit = max as f64;
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    limit,
                    max,
                    in_flight: 0,
                }),
                notify: Notify::new(),
            }),
        }
    }

    /// Waits for a slot.
    pub async fn acquire(&self) -> Permit {
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self
                    .inner
                    .state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if (s.in_flight as f64) < s.limit.floor() {
                    s.in_flight += 1;
                    return Permit {
                        inner: self.inner.clone(),
                    };
                }
            }
            notified.await;
        }
    }

    /// A call succeeded: raise the limit by about one per window of calls.
    pub fn on_success(&self) {
        let mut s = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let max = s.max as f64;
        s.limit = (s.limit + 1.0 / s.limit).min(max);
        drop(s);
        self.inner.notify.notify_waiters();
    }

    /// The provider said 429: halve the limit.
    pub fn on_rate_limited(&self) {
        let mut s = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        s.limit = (s.limit / 2.0).max(1.0);
        tracing::debug!(limit = s.limit, "rate limited: concurrency lowered");
    }

    /// The current limit, rounded down.
    pub fn current(&self) -> usize {
        let s = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "limit is in 1..=max"
        )]
        let n = s.limit.floor() as usize;
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn never_exceeds_the_limit_and_adapts() {
        let l = AdaptiveLimiter::new(4);
        let peak = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let (l, peak, now) = (l.clone(), peak.clone(), now.clone());
            tasks.push(tokio::spawn(async move {
                let _p = l.acquire().await;
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                now.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 4);
        l.on_rate_limited();
        assert_eq!(l.current(), 2);
        l.on_rate_limited();
        l.on_rate_limited();
        assert_eq!(l.current(), 1);
        for _ in 0..10 {
            l.on_success();
        }
        assert!(l.current() >= 3, "{}", l.current());
    }
}
