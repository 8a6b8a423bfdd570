//! Plain SQL dumps are fed to psql in restricted mode: a first line `\restrict <key>`
//! with a random key makes psql refuse every backslash command (`\!`, `\o |cmd`,
//! `\copy … program`, `\i`) until `\unrestrict <key>`, which a planted dump cannot know.
//! pg_dump writes `\restrict`/`\unrestrict` lines of its own; this filter drops those
//! (outside COPY data) so a dump Bulwark made still restores.

use crate::traits::ByteStream;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// A `COPY … FROM stdin;` line longer than this is not looked at (passed as is).
const MAX_COPY_LINE: usize = 1 << 20;
/// The longest `\restrict <key>` line looked at (pg_dump's keys are 64 characters).
const MAX_RESTRICT_LINE: usize = 256;

pub fn random_key() -> String {
    uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string()
}

#[derive(Debug, PartialEq)]
enum Line {
    /// Collecting the start of a line to decide what it is.
    Start,
    /// Passing the rest of the line through.
    Pass,
    /// Collecting a whole `COPY` line to see whether data follows.
    Copy,
}

/// The line filter, fed chunk by chunk.
pub struct Filter {
    line: Line,
    held: Vec<u8>,
    in_copy: bool,
}

impl Filter {
    pub fn new() -> Self {
        Filter {
            line: Line::Start,
            held: Vec::new(),
            in_copy: false,
        }
    }

    pub fn push(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !input.is_empty() {
            match self.line {
                Line::Pass => {
                    let end = input.iter().position(|&b| b == b'\n');
                    let upto = end.map_or(input.len(), |i| i + 1);
                    out.extend_from_slice(&input[..upto]);
                    input = &input[upto..];
                    if end.is_some() {
                        self.line = Line::Start;
                    }
                }
                Line::Start | Line::Copy => {
                    let byte = input[0];
                    input = &input[1..];
                    self.held.push(byte);
                    if byte == b'\n' {
                        self.end_line(out);
                    } else {
                        self.decide(out);
                    }
                }
            }
        }
    }

    /// At the end of input: whatever is held is a last line without a newline.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if !self.held.is_empty() && !self.is_own_restrict(&self.held) {
            out.append(&mut self.held);
        }
        self.held.clear();
    }

    fn end_line(&mut self, out: &mut Vec<u8>) {
        let line = std::mem::take(&mut self.held);
        let text = trim_eol(&line);
        if self.in_copy {
            if text == b"\\." {
                self.in_copy = false;
            }
        } else if self.is_own_restrict(&line) {
            self.line = Line::Start;
            return;
        } else if text.starts_with(b"COPY ") && text.ends_with(b" FROM stdin;") {
            self.in_copy = true;
        }
        out.extend_from_slice(&line);
        self.line = Line::Start;
    }

    /// Moves on from `Start` once the line's start tells enough.
    fn decide(&mut self, out: &mut Vec<u8>) {
        let held = &self.held;
        if self.line == Line::Copy {
            if held.len() > MAX_COPY_LINE {
                out.append(&mut self.held);
                self.line = Line::Pass;
            }
            return;
        }
        if self.in_copy {
            // Only `\.` ends the data; anything longer is data.
            if held.len() > 3 || !b"\\.\r".starts_with(held) {
                out.append(&mut self.held);
                self.line = Line::Pass;
            }
            return;
        }
        let could_be = |word: &[u8]| word.starts_with(held) || held.starts_with(word);
        if held.len() <= MAX_RESTRICT_LINE
            && (may_be_key_line(held, b"\\restrict ") || may_be_key_line(held, b"\\unrestrict "))
        {
            // Held to the line's end, where `end_line` decides.
            return;
        }
        if could_be(b"COPY ") {
            if held.len() >= 5 {
                self.line = Line::Copy;
            }
            return;
        }
        out.append(&mut self.held);
        self.line = Line::Pass;
    }

    /// `\restrict KEY` or `\unrestrict KEY` with a key of letters and digits (what
    /// pg_dump writes). `held` may be the line's start only.
    fn is_own_restrict(&self, held: &[u8]) -> bool {
        if self.in_copy {
            return false;
        }
        let text = trim_eol(held);
        let rest = text
            .strip_prefix(b"\\restrict ")
            .or_else(|| text.strip_prefix(b"\\unrestrict "));
        rest.is_some_and(|key| !key.is_empty() && key.iter().all(u8::is_ascii_alphanumeric))
    }
}

impl Default for Filter {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `held` (a line's start) may still turn out to be `<word><letters and digits>`.
fn may_be_key_line(held: &[u8], word: &[u8]) -> bool {
    if word.starts_with(held) {
        return true;
    }
    held.strip_prefix(word).is_some_and(|rest| {
        let rest = rest.strip_suffix(b"\r").unwrap_or(rest);
        rest.iter().all(u8::is_ascii_alphanumeric)
    })
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `data` as psql should read it: `\restrict <key>` first, the dump's own restrict
/// lines removed.
pub fn restricted(data: ByteStream, key: &str) -> ByteStream {
    Box::pin(Restricted {
        inner: data,
        filter: Filter::new(),
        out: format!("\\restrict {key}\n").into_bytes(),
        pos: 0,
        buf: vec![0u8; 64 << 10],
        done: false,
    })
}

struct Restricted {
    inner: ByteStream,
    filter: Filter,
    out: Vec<u8>,
    pos: usize,
    buf: Vec<u8>,
    done: bool,
}

impl AsyncRead for Restricted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.pos < this.out.len() {
                let n = dst.remaining().min(this.out.len() - this.pos);
                dst.put_slice(&this.out[this.pos..this.pos + n]);
                this.pos += n;
                return Poll::Ready(Ok(()));
            }
            this.out.clear();
            this.pos = 0;
            if this.done {
                return Poll::Ready(Ok(()));
            }
            let mut rb = ReadBuf::new(&mut this.buf);
            match this.inner.as_mut().poll_read(cx, &mut rb) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let filled = rb.filled();
                    if filled.is_empty() {
                        this.done = true;
                        this.filter.finish(&mut this.out);
                    } else {
                        this.filter.push(filled, &mut this.out);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, chunk: usize) -> String {
        let mut f = Filter::new();
        let mut out = Vec::new();
        for part in input.as_bytes().chunks(chunk) {
            f.push(part, &mut out);
        }
        f.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn drops_the_dumps_own_restrict_lines_outside_copy_data() {
        let dump = "--\n\\restrict Abc123\nSET x = 1;\nCOPY public.t (a) FROM stdin;\n\\restrict Zz9\n\\N\n\\.\nselect 1;\n\\unrestrict Abc123\n";
        let want = "--\nSET x = 1;\nCOPY public.t (a) FROM stdin;\n\\restrict Zz9\n\\N\n\\.\nselect 1;\n";
        for chunk in [1, 2, 3, 5, 7, 64, 4096] {
            assert_eq!(run(dump, chunk), want, "chunk {chunk}");
        }
    }

    #[test]
    fn keeps_everything_else_byte_for_byte() {
        let text = "\\! touch /tmp/x\n\\restrict\n\\restrict a b\nCOPYX\nCOPY t FROM stdin;\n\\.x\nrow\n\\.\r\n\\restrict k\nlast line";
        let want = "\\! touch /tmp/x\n\\restrict\n\\restrict a b\nCOPYX\nCOPY t FROM stdin;\n\\.x\nrow\n\\.\r\nlast line";
        for chunk in [1, 4, 9, 1000] {
            assert_eq!(run(text, chunk), want, "chunk {chunk}");
        }
    }

    #[tokio::test]
    async fn the_stream_starts_with_a_restrict_line_of_its_own() {
        use tokio::io::AsyncReadExt;
        let data: ByteStream = Box::pin(std::io::Cursor::new(b"\\unrestrict k1\nselect 1;\n".to_vec()));
        let mut out = String::new();
        restricted(data, "K").read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "\\restrict K\nselect 1;\n");
    }
}
