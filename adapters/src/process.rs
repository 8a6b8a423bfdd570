//! Running dump and restore tools as child processes.
//!
//! Tools run with a cleared environment (only `PATH`, `HOME` and `TMPDIR` are passed on,
//! so the master key and anything else in Bulwark's environment stays out of them; finding
//! 9 of docs/SECURITY.md), `LC_ALL=C` (English messages for the classifier), stdin closed unless
//! fed, and `kill_on_drop`: dropping a stream or a restore future stops the tool, which
//! is how cancellation works. Passwords go through the environment, never argv.

mod classify;
mod stream;
mod tail;

pub use classify::classify_failure;
pub use stream::ToolStream;
pub use tail::{ErrorLine, StderrTail};

use crate::error::{AdapterError, Result};
use crate::traits::ByteStream;
use std::ffi::OsStr;
use std::io;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

/// The most a short query (`output`) may print.
const OUTPUT_LIMIT: u64 = 16 << 20;
/// The chunk copied into a restore tool's stdin at a time.
const FEED_CHUNK: usize = 64 << 10;

/// The only variables of Bulwark's environment a tool sees.
const PASSED_ON: [&str; 3] = ["PATH", "HOME", "TMPDIR"];

/// One invocation of a dump or restore tool.
pub struct Tool {
    name: String,
    program: String,
    command: Command,
    error_line: ErrorLine,
}

impl Tool {
    /// `name` is what errors call the tool (`pg_dump`); `program` is what runs (the name
    /// again, looked up on PATH, or a full path).
    pub fn new(name: impl Into<String>, program: impl AsRef<OsStr>) -> Self {
        let mut command = Command::new(program.as_ref());
        command.env_clear();
        for kept in PASSED_ON {
            if let Some(value) = std::env::var_os(kept) {
                command.env(kept, value);
            }
        }
        command
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        Tool {
            name: name.into(),
            program: program.as_ref().to_string_lossy().into_owned(),
            command,
            error_line: error_colon,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.command.env_remove(key);
        self
    }

    /// Which stderr lines mean failure even when the tool exits 0 (default: lines
    /// containing `error:`).
    pub fn error_lines(mut self, error_line: ErrorLine) -> Self {
        self.error_line = error_line;
        self
    }

    /// Starts the tool and streams its stdout.
    pub fn stream(mut self) -> Result<ToolStream> {
        let child = self.spawn()?;
        Ok(ToolStream::new(self.name, child, self.error_line))
    }

    /// Runs the tool to its end and returns its stdout (for short queries).
    pub async fn output(self) -> Result<String> {
        let name = self.name.clone();
        let mut out = Vec::new();
        self.stream()?
            .take(OUTPUT_LIMIT + 1)
            .read_to_end(&mut out)
            .await
            .map_err(|e| AdapterError::io(&name, e))?;
        if out.len() as u64 > OUTPUT_LIMIT {
            return Err(AdapterError::Other(format!(
                "{name} printed more than {OUTPUT_LIMIT} bytes"
            )));
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Runs the tool with `data` as its stdin and checks how it ended. A failing `data`
    /// stops the tool and returns the input's error.
    pub async fn feed(mut self, mut data: ByteStream) -> Result<()> {
        self.command.stdin(Stdio::piped()).stdout(Stdio::null());
        let mut child = self.spawn()?;
        let stderr = stream::drain_stderr(child.stderr.take().expect("stderr is piped"), self.error_line);
        let mut stdin = child.stdin.take().expect("stdin is piped");

        let mut buf = vec![0u8; FEED_CHUNK];
        let mut write_error = None;
        loop {
            let n = match data.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = child.kill().await;
                    return Err(AdapterError::io(format!("reading the data for {}", self.name), e));
                }
            };
            if let Err(e) = stdin.write_all(&buf[..n]).await {
                // The tool stopped reading, most likely because it failed: its exit
                // status says more than the broken pipe.
                write_error = Some(e);
                break;
            }
        }
        if write_error.is_none() {
            write_error = stdin.shutdown().await.err();
        }
        drop(stdin);

        let status = child
            .wait()
            .await
            .map_err(|e| AdapterError::io(format!("waiting for {}", self.name), e))?;
        let tail = stderr
            .await
            .map_err(|e| AdapterError::Other(format!("reading {}'s stderr: {e}", self.name)))?;
        stream::check_exit(&self.name, status, &tail)?;
        match write_error {
            Some(e) => Err(AdapterError::io(format!("writing to {}", self.name), e)),
            None => Ok(()),
        }
    }

    fn spawn(&mut self) -> Result<Child> {
        self.command.spawn().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => AdapterError::ToolMissing {
                tool: self.program.clone(),
            },
            _ => AdapterError::io(format!("starting {}", self.program), e),
        })
    }
}

/// The default error-line predicate: `pg_dump: error: …`, `ERROR: …`, `FATAL: …`.
pub fn error_colon(line: &str) -> bool {
    line.contains("error:") || line.contains("ERROR:") || line.contains("FATAL:")
}

/// The first of `names` found as an executable on PATH.
pub fn find_on_path<'a>(names: &[&'a str]) -> Option<&'a str> {
    let path = std::env::var_os("PATH")?;
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names
        .iter()
        .copied()
        .find(|name| dirs.iter().any(|dir| is_executable(&dir.join(name))))
}

fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Tool {
        Tool::new("sh", "sh").arg("-c").arg(script)
    }

    async fn read_all(tool: Tool) -> (Vec<u8>, Option<AdapterError>) {
        let mut stream = tool.stream().unwrap();
        let mut out = Vec::new();
        let err = stream
            .read_to_end(&mut out)
            .await
            .err()
            .map(|e| AdapterError::io("stream", e));
        (out, err)
    }

    #[tokio::test]
    async fn a_missing_tool_is_reported_as_such() {
        let err = Tool::new("nope", "bulwark-no-such-tool").stream().err().unwrap();
        assert!(matches!(&err, AdapterError::ToolMissing { tool } if tool == "bulwark-no-such-tool"));
    }

    #[tokio::test]
    async fn exit_zero_with_an_error_line_fails() {
        let (out, err) = read_all(sh(
            "echo data; echo 'x: warning: meh' >&2; echo 'x: error: bad' >&2",
        ))
        .await;
        assert_eq!(out, b"data\n");
        assert!(
            matches!(&err, Some(AdapterError::ToolReportedError { stderr_tail, .. }) if stderr_tail.contains("bad")),
            "{err:?}"
        );
        let (_, err) = read_all(sh("echo data; echo 'x: warning: meh' >&2")).await;
        assert!(err.is_none(), "{err:?}");
    }

    #[tokio::test]
    async fn a_chatty_stderr_does_not_block() {
        let script = "i=0; while [ $i -lt 3000 ]; do echo 'noise noise noise noise noise' >&2; i=$((i+1)); done; echo ok";
        let (out, err) = read_all(sh(script)).await;
        assert_eq!(out, b"ok\n");
        assert!(err.is_none(), "{err:?}");
    }

    #[tokio::test]
    async fn feed_reports_the_tool_failure_not_the_broken_pipe() {
        let data: ByteStream = Box::pin(std::io::Cursor::new(vec![b'x'; 4 << 20]));
        let err = sh("head -c 10 >/dev/null; echo 'psql: error: nope' >&2; exit 3")
            .feed(data)
            .await
            .unwrap_err();
        assert!(matches!(err, AdapterError::ToolFailed { code: 3, .. }), "{err:?}");
    }

    #[tokio::test]
    async fn feed_passes_the_whole_input() {
        let data: ByteStream = Box::pin(std::io::Cursor::new(vec![b'x'; 1 << 20]));
        sh("test \"$(wc -c)\" -eq 1048576").feed(data).await.unwrap();
    }

    #[test]
    fn finds_programs_on_path() {
        assert_eq!(find_on_path(&["bulwark-no-such-tool", "sh"]), Some("sh"));
        assert_eq!(find_on_path(&["bulwark-no-such-tool"]), None);
    }
}
