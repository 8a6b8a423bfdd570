//! A bounded record of a tool's stderr: the last lines, and the first error line.

use std::collections::VecDeque;

/// Decides whether one stderr line reports an error (as opposed to a warning or notice).
pub type ErrorLine = fn(&str) -> bool;

const MAX_LINES: usize = 20;
const MAX_BYTES: usize = 4096;
/// Longer lines are cut; a tool printing megabytes without a newline stays bounded.
const MAX_LINE: usize = 1024;

#[derive(Debug, Clone)]
pub struct StderrTail {
    lines: VecDeque<String>,
    bytes: usize,
    partial: Vec<u8>,
    error_line: ErrorLine,
    first_error: Option<String>,
}

impl StderrTail {
    pub fn new(error_line: ErrorLine) -> Self {
        StderrTail {
            lines: VecDeque::new(),
            bytes: 0,
            partial: Vec::new(),
            error_line,
            first_error: None,
        }
    }

    /// Feeds raw stderr bytes, in chunks of any size.
    pub fn push(&mut self, mut chunk: &[u8]) {
        while let Some(end) = chunk.iter().position(|&b| b == b'\n') {
            self.extend_partial(&chunk[..end]);
            self.end_line();
            chunk = &chunk[end + 1..];
        }
        self.extend_partial(chunk);
    }

    /// Completes a last line that had no newline.
    pub fn finish(&mut self) {
        if !self.partial.is_empty() {
            self.end_line();
        }
    }

    /// Whether any line so far was an error line.
    pub fn saw_error(&self) -> bool {
        self.first_error.is_some()
    }

    /// The kept lines, led by the first error line when other lines came before it
    /// (or it scrolled away): the cause first, then the context.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        let lead = (self.first_error.as_deref())
            .filter(|first| self.lines.front().map(String::as_str) != Some(*first));
        let rest = self
            .lines
            .iter()
            .map(String::as_str)
            .filter(move |line| Some(*line) != lead);
        lead.into_iter().chain(lead.map(|_| "…")).chain(rest)
    }

    pub fn text(&self) -> String {
        self.lines().collect::<Vec<_>>().join("\n")
    }

    fn extend_partial(&mut self, bytes: &[u8]) {
        let room = MAX_LINE.saturating_sub(self.partial.len());
        self.partial.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn end_line(&mut self) {
        let raw = std::mem::take(&mut self.partial);
        let line = String::from_utf8_lossy(&raw).trim_end_matches('\r').to_string();
        if line.trim().is_empty() {
            return;
        }
        if self.first_error.is_none() && (self.error_line)(&line) {
            self.first_error = Some(line.clone());
        }
        // Counting the newline keeps `text()` within MAX_BYTES.
        self.bytes += line.len() + 1;
        self.lines.push_back(line);
        while self.lines.len() > MAX_LINES || (self.bytes > MAX_BYTES && self.lines.len() > 1) {
            if let Some(old) = self.lines.pop_front() {
                self.bytes -= old.len() + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_error(line: &str) -> bool {
        line.contains("error:")
    }

    #[test]
    fn keeps_the_last_lines_across_chunk_boundaries() {
        let mut tail = StderrTail::new(has_error);
        for i in 0..100 {
            let line = format!("line {i}\n");
            let (a, b) = line.as_bytes().split_at(3);
            tail.push(a);
            tail.push(b);
        }
        tail.push(b"no newline");
        tail.finish();
        let text = tail.text();
        assert_eq!(text.lines().count(), MAX_LINES);
        assert!(text.starts_with("line 81\n"), "{text}");
        assert!(text.ends_with("line 99\nno newline"), "{text}");
        assert!(!tail.saw_error());
    }

    #[test]
    fn stays_bounded_with_huge_lines() {
        let mut tail = StderrTail::new(has_error);
        let big = vec![b'a'; 1 << 20];
        for _ in 0..10 {
            tail.push(&big);
            tail.push(b"\n");
        }
        tail.push(&big);
        assert!(tail.partial.len() <= MAX_LINE);
        assert!(tail.text().len() <= MAX_BYTES);
        assert!(tail.lines.iter().all(|l| l.len() == MAX_LINE));
    }

    #[test]
    fn remembers_the_first_error_after_it_scrolls_away() {
        let mut tail = StderrTail::new(has_error);
        tail.push(b"pg_dump: warning: something\n");
        tail.push(b"pg_dump: error: the real cause\n");
        for i in 0..50 {
            tail.push(format!("noise {i}\n").as_bytes());
        }
        assert!(tail.saw_error());
        let text = tail.text();
        assert!(
            text.starts_with("pg_dump: error: the real cause\n…\nnoise 30"),
            "{text}"
        );

        let mut tail = StderrTail::new(has_error);
        tail.push(b"echoed statement\nx: error: cause\nmore\n");
        assert_eq!(tail.text(), "x: error: cause\n…\nechoed statement\nmore");
        let mut tail = StderrTail::new(has_error);
        tail.push(b"x: error: cause\nmore\n");
        assert_eq!(tail.text(), "x: error: cause\nmore");
    }

    #[test]
    fn warnings_alone_are_not_errors() {
        let mut tail = StderrTail::new(has_error);
        tail.push(b"pg_dump: warning: there are circular foreign-key constraints\r\n\n\n");
        assert!(!tail.saw_error());
        assert_eq!(
            tail.text(),
            "pg_dump: warning: there are circular foreign-key constraints"
        );
    }
}
