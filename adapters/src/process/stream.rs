//! A running tool's stdout as an `AsyncRead` that reports the tool's failure at its end.

use super::tail::{ErrorLine, StderrTail};
use crate::error::{AdapterError, Result};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::ExitStatus;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::process::{Child, ChildStderr, ChildStdout};
use tokio::task::JoinHandle;

/// Stdout of a running tool. At EOF it waits for the exit status: a non-zero exit, or an
/// error line on stderr, becomes the last read's error (an `AdapterError` inside an
/// `io::Error`). Dropping it kills the tool.
pub struct ToolStream {
    pid: Option<u32>,
    state: State,
}

enum State {
    Streaming(Box<Running>),
    Finishing(Pin<Box<dyn Future<Output = Result<()>> + Send>>),
    Done,
}

struct Running {
    tool: String,
    child: Child,
    stdout: ChildStdout,
    stderr: JoinHandle<StderrTail>,
}

impl ToolStream {
    pub(super) fn new(tool: String, mut child: Child, error_line: ErrorLine) -> Self {
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = drain_stderr(child.stderr.take().expect("stderr is piped"), error_line);
        ToolStream {
            pid: child.id(),
            state: State::Streaming(Box::new(Running {
                tool,
                child,
                stdout,
                stderr,
            })),
        }
    }

    /// The tool's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }
}

impl AsyncRead for ToolStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            match &mut this.state {
                State::Streaming(running) => {
                    let before = buf.filled().len();
                    ready!(Pin::new(&mut running.stdout).poll_read(cx, buf))?;
                    if buf.filled().len() > before {
                        return Poll::Ready(Ok(()));
                    }
                    let State::Streaming(running) = std::mem::replace(&mut this.state, State::Done) else {
                        unreachable!("matched above");
                    };
                    let Running {
                        tool, child, stderr, ..
                    } = *running;
                    this.state = State::Finishing(Box::pin(finish(tool, child, stderr)));
                }
                State::Finishing(done) => {
                    let result = ready!(done.as_mut().poll(cx));
                    this.state = State::Done;
                    return Poll::Ready(result.map_err(AdapterError::into_io));
                }
                State::Done => return Poll::Ready(Ok(())),
            }
        }
    }
}

async fn finish(tool: String, mut child: Child, stderr: JoinHandle<StderrTail>) -> Result<()> {
    let status = child
        .wait()
        .await
        .map_err(|e| AdapterError::io(format!("waiting for {tool}"), e))?;
    let tail = stderr
        .await
        .map_err(|e| AdapterError::Other(format!("reading {tool}'s stderr: {e}")))?;
    check_exit(&tool, status, &tail)
}

/// Reads a tool's stderr to its end in the background, keeping only a bounded tail, so
/// a chatty tool never blocks on a full pipe.
pub(super) fn drain_stderr(mut stderr: ChildStderr, error_line: ErrorLine) -> JoinHandle<StderrTail> {
    tokio::spawn(async move {
        let mut tail = StderrTail::new(error_line);
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stderr.read(&mut buf).await {
            tail.push(&buf[..n]);
        }
        tail.finish();
        tail
    })
}

/// A non-zero exit is a failure; so is a zero exit with an error line on stderr.
pub(super) fn check_exit(tool: &str, status: ExitStatus, tail: &StderrTail) -> Result<()> {
    if !status.success() {
        let mut text = tail.text();
        let code = status.code().unwrap_or_else(|| {
            use std::os::unix::process::ExitStatusExt;
            text.push_str(&format!("\n(killed by signal {})", status.signal().unwrap_or(0)));
            -1
        });
        return Err(super::classify_failure(tool, code, text.trim_start()));
    }
    if tail.saw_error() {
        return Err(AdapterError::ToolReportedError {
            tool: tool.to_string(),
            stderr_tail: tail.text(),
        });
    }
    for line in tail.lines() {
        tracing::debug!(tool, "{line}");
    }
    Ok(())
}
