//! Delivery: a time limit per attempt and one retry, after a pause, when the receiver
//! failed in a way that may pass (a 5xx answer or no answer in time).

use super::{Rendered, Targets};
use crate::error::AdapterError;
use crate::traits::Notifier;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Each attempt gives up after this long.
    pub timeout: Duration,
    /// The pause before the one retry.
    pub backoff: Duration,
    /// The addresses a channel may reach.
    pub targets: Targets,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: Duration::from_secs(10),
            backoff: Duration::from_secs(2),
            targets: Targets::PublicOnly,
        }
    }
}

/// What happened to one message on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub attempts: u32,
    /// The last attempt's error, in the admin's words.
    pub result: Result<(), String>,
}

/// Whether a failed attempt is worth repeating.
pub fn should_retry(error: &AdapterError) -> bool {
    match error {
        AdapterError::Rejected { status, .. } => *status >= 500,
        // SMTP's transient replies are the 4xx ones ("try again later").
        AdapterError::SmtpRejected { code, .. } => (400..500).contains(code),
        AdapterError::TimedOut(_) => true,
        _ => false,
    }
}

/// Sends `rendered` through `notifier`: at most two attempts, never longer than
/// `2 × timeout + backoff` in all.
pub async fn deliver(notifier: &dyn Notifier, rendered: &Rendered, policy: Policy) -> Delivery {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let error = match tokio::time::timeout(policy.timeout, notifier.send(rendered, policy.targets)).await
        {
            Ok(Ok(())) => {
                return Delivery {
                    attempts,
                    result: Ok(()),
                };
            }
            Ok(Err(e)) => e,
            Err(_) => AdapterError::TimedOut(format!("no answer within {} s", policy.timeout.as_secs_f64())),
        };
        if attempts >= 2 || !should_retry(&error) {
            return Delivery {
                attempts,
                result: Err(error.one_line()),
            };
        }
        tokio::time::sleep(policy.backoff).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Result;
    use async_trait::async_trait;
    use std::sync::Mutex;

    /// One scripted answer; `None` hangs.
    type Answer = Option<Result<()>>;

    /// Answers with the scripted outcomes in order.
    struct Scripted(Mutex<Vec<Answer>>);

    #[async_trait]
    impl Notifier for Scripted {
        fn kind(&self) -> &'static str {
            "scripted"
        }
        fn render(&self, _: &super::super::Message) -> Result<Rendered> {
            unreachable!("not rendered here")
        }
        async fn send(&self, _: &Rendered, _: Targets) -> Result<()> {
            let next = self.0.lock().unwrap().remove(0);
            match next {
                Some(outcome) => outcome,
                None => std::future::pending().await,
            }
        }
    }

    fn rejected(status: u16) -> Answer {
        Some(Err(AdapterError::Rejected {
            status,
            body: "nope".into(),
        }))
    }

    fn smtp(code: u16) -> Answer {
        Some(Err(AdapterError::SmtpRejected {
            code,
            text: "mailbox busy".into(),
        }))
    }

    const FAST: Policy = Policy {
        timeout: Duration::from_millis(100),
        backoff: Duration::from_millis(10),
        targets: Targets::PublicOnly,
    };

    async fn run(script: Vec<Answer>) -> Delivery {
        let n = Scripted(Mutex::new(script));
        deliver(&n, &Rendered::json(&serde_json::json!({})), FAST).await
    }

    #[tokio::test]
    async fn retries_once_on_5xx_and_timeouts_only() {
        let cases: Vec<(Vec<Answer>, u32, bool)> = vec![
            (vec![Some(Ok(()))], 1, true),
            (vec![rejected(500), Some(Ok(()))], 2, true),
            (vec![rejected(503), rejected(502)], 2, false),
            (vec![None, Some(Ok(()))], 2, true),
            (vec![None, None], 2, false),
            (vec![rejected(404)], 1, false),
            (
                vec![Some(Err(AdapterError::HostUnreachable("x".into())))],
                1,
                false,
            ),
            (vec![smtp(451), Some(Ok(()))], 2, true),
            (vec![smtp(550)], 1, false),
        ];
        for (script, attempts, ok) in cases {
            let d = run(script).await;
            assert_eq!(d.attempts, attempts, "{d:?}");
            assert_eq!(d.result.is_ok(), ok, "{d:?}");
        }
    }

    #[tokio::test]
    async fn errors_say_what_the_receiver_answered() {
        let d = run(vec![rejected(404)]).await;
        assert_eq!(d.result.unwrap_err(), "the receiver answered HTTP 404: nope");
        let d = run(vec![None, None]).await;
        assert_eq!(d.result.unwrap_err(), "timed out: no answer within 0.1 s");
    }
}
