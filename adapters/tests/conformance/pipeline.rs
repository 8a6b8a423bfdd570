//! The pipeline end to end on real parts: a real SQLite database dumped through
//! compression and age into real directories, then verified and restored; plus the
//! failure paths (corruption, wrong key, cancel, a destination dying mid-stream).

use adapters::destinations::local::LocalDestination;
use adapters::pipeline::encrypt::keygen;
use adapters::pipeline::{
    self, BackupSpec, Compression, Decryption, Encryption, ManifestKey, ReadPolicy, Target, Unit,
};
use adapters::sources::sqlite::SqliteSource;
use adapters::{AdapterError, ByteStream, Capabilities, Destination, DestinationWriter, ObjectInfo, Source};
use age::secrecy::ExposeSecret;
use async_trait::async_trait;
use bytes::Bytes;
use sqlx::{Connection, Row, SqliteConnection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "bulwark-pipeline-{tag}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A database with text rows and `blob_mib` MiB of incompressible blobs.
async fn make_db(path: &Path, blob_mib: usize) {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut c = SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("create table t (id integer primary key, name text, note text, data blob)")
        .execute(&mut c)
        .await
        .unwrap();
    for i in 0..2000 {
        sqlx::query("insert into t (name, note) values (?, ?)")
            .bind(format!("row {i} — ünïcode ✓"))
            .bind(if i % 3 == 0 {
                None
            } else {
                Some(format!("note {i}"))
            })
            .execute(&mut c)
            .await
            .unwrap();
    }
    for i in 0..blob_mib {
        sqlx::query("insert into t (name, data) values (?, ?)")
            .bind(format!("blob {i}"))
            .bind(noise(1024 * 1024, i as u64 + 1))
            .execute(&mut c)
            .await
            .unwrap();
    }
    c.close().await.unwrap();
}

/// Deterministic incompressible bytes (xorshift), so blobs do not shrink.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

async fn rows(path: &Path) -> Vec<(i64, String, Option<String>, Option<Vec<u8>>)> {
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("select id, name, note, data from t order by id")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn local(name: &str, dir: &Path) -> Target {
    Target {
        name: name.to_string(),
        destination: Arc::new(LocalDestination::new(dir.to_path_buf())),
    }
}

/// Every file under `dir`, relative, sorted (temporary files included).
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn test_key() -> ManifestKey {
    ManifestKey::from_bytes([7; 32])
}

/// Reads what `spec` signed; targets must be empty.
fn policy() -> ReadPolicy {
    ReadPolicy {
        manifest_key: Some(test_key()),
        ..ReadPolicy::default()
    }
}

/// Reads what `spec` signed, replacing what the target holds.
fn replacing() -> ReadPolicy {
    ReadPolicy {
        replace: true,
        ..policy()
    }
}

fn spec(encryption: Encryption) -> BackupSpec {
    BackupSpec {
        dir: "nightly".into(),
        job: Some("nightly".into()),
        job_id: Some(1),
        signer: Some(test_key()),
        compression: Compression::Zstd,
        level: None,
        encryption,
    }
}

#[tokio::test]
async fn backup_verify_restore_round_trip_to_two_destinations() {
    let work = temp_dir("roundtrip");
    let db = work.join("app.db");
    make_db(&db, 2).await;
    let (source, _) = SqliteSource::from_url(&format!("sqlite://{}", db.display())).unwrap();
    let selection = source.list_databases().await.unwrap();
    assert_eq!(selection, vec!["app".to_string()]);
    let (a, b) = (work.join("dest-a"), work.join("dest-b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let (secret, public) = keygen();
    let (secret2, public2) = keygen();
    let enc = Encryption::recipients(&[public, public2]).unwrap();
    let cancel = CancellationToken::new();

    let outcome = pipeline::backup(
        &source,
        Unit::Database(&selection[0]),
        &[local("a", &a), local("b", &b)],
        &spec(enc),
        None,
        &cancel,
    )
    .await
    .unwrap();
    assert!(outcome.all_ok(), "{:?}", outcome.destinations);
    let m = &outcome.manifest;
    assert!(
        m.object.starts_with("nightly/") && m.object.ends_with(".sqlite.zst.age"),
        "{}",
        m.object
    );
    assert!(m.raw_bytes > 2 * 1024 * 1024);
    assert_eq!(m.encryption.kind, "age-x25519");
    assert_eq!(m.encryption.recipient_fingerprints.len(), 2);
    assert_eq!(m.compression, Compression::Zstd);
    assert_eq!(m.compression_level, Some(3));
    for dir in [&a, &b] {
        let stored = std::fs::read(dir.join(&m.object)).unwrap();
        assert_eq!(stored.len() as u64, m.stored_bytes);
        assert_eq!(adapters::pipeline::hash::sha256_hex(&stored), m.sha256);
        assert_eq!(
            files(dir),
            vec![m.object.clone(), format!("{}.manifest.json", m.object)]
        );
    }

    // Either identity verifies and restores.
    let dest_b: Arc<dyn Destination> = Arc::new(LocalDestination::new(b.clone()));
    for sk in [&secret, &secret2] {
        let key = Decryption::identity_file(sk.expose_secret()).unwrap();
        let report = pipeline::verify(dest_b.as_ref(), &m.object, &key, &policy(), None, &cancel)
            .await
            .unwrap();
        assert_eq!(report.raw_bytes, m.raw_bytes);
    }
    let target = work.join("restored.db");
    let key = Decryption::identity_file(secret.expose_secret()).unwrap();
    pipeline::restore(
        dest_b.as_ref(),
        &m.object,
        &key,
        &source,
        target.to_str().unwrap(),
        &policy(),
        None,
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(rows(&db).await, rows(&target).await);
    std::fs::remove_dir_all(work).ok();
}

#[tokio::test]
async fn corruption_and_wrong_keys_stop_before_the_target_is_touched() {
    let work = temp_dir("corrupt");
    let db = work.join("app.db");
    make_db(&db, 1).await;
    let (source, _) = SqliteSource::from_url(&format!("sqlite://{}", db.display())).unwrap();
    let sel = source.list_databases().await.unwrap();
    let dest_dir = work.join("dest");
    std::fs::create_dir_all(&dest_dir).unwrap();
    let (secret, public) = keygen();
    let cancel = CancellationToken::new();
    let outcome = pipeline::backup(
        &source,
        Unit::Database(&sel[0]),
        &[local("d", &dest_dir)],
        &spec(Encryption::recipients(&[public]).unwrap()),
        None,
        &cancel,
    )
    .await
    .unwrap();
    let object = outcome.manifest.object.clone();
    let dest = LocalDestination::new(dest_dir.clone());
    let target = work.join("target.db");
    std::fs::write(&target, b"precious existing data").unwrap();

    // A wrong identity.
    let (other, _) = keygen();
    let wrong = Decryption::identity_file(other.expose_secret()).unwrap();
    let err = pipeline::restore(
        &dest,
        &object,
        &wrong,
        &source,
        target.to_str().unwrap(),
        &replacing(),
        None,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AdapterError::Decryption(_)), "{err}");
    assert!(err.to_string().contains("wrong identity"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"precious existing data");

    // One flipped byte in the middle of the stored object.
    let path = dest_dir.join(&object);
    let mut stored = std::fs::read(&path).unwrap();
    let mid = stored.len() / 2;
    stored[mid] ^= 0x01;
    std::fs::write(&path, &stored).unwrap();
    let key = Decryption::identity_file(secret.expose_secret()).unwrap();
    let err = pipeline::verify(&dest, &object, &key, &policy(), None, &cancel)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AdapterError::ChecksumMismatch { .. } | AdapterError::Corrupt(_)
        ),
        "{err}"
    );
    let err = pipeline::restore(
        &dest,
        &object,
        &key,
        &source,
        target.to_str().unwrap(),
        &replacing(),
        None,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AdapterError::ChecksumMismatch { .. }), "{err}");
    assert!(err.to_string().contains("checksum mismatch"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"precious existing data");

    // A missing manifest is named as such.
    std::fs::remove_file(dest_dir.join(format!("{object}.manifest.json"))).unwrap();
    let err = pipeline::verify(&dest, &object, &key, &policy(), None, &cancel)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("manifest is missing"), "{err}");
    std::fs::remove_dir_all(work).ok();
}

/// What a `Faulty` destination does once `after` bytes have passed.
#[derive(Clone)]
enum Fault {
    /// Fails every further write, as a filling disk would.
    DiskFull,
    /// Cancels the run and stalls, as a slow upload interrupted by an admin would.
    CancelAndStall(CancellationToken),
}

/// A real local destination with a fault injected after `after` bytes.
struct Faulty {
    inner: LocalDestination,
    after: u64,
    fault: Fault,
}

struct FaultyWriter {
    inner: Box<dyn DestinationWriter>,
    written: u64,
    after: u64,
    fault: Fault,
}

#[async_trait]
impl DestinationWriter for FaultyWriter {
    async fn write(&mut self, chunk: Bytes) -> adapters::Result<()> {
        self.written += chunk.len() as u64;
        if self.written > self.after {
            match &self.fault {
                Fault::DiskFull => return Err(AdapterError::DiskFull("no space left (injected)".into())),
                Fault::CancelAndStall(token) => {
                    token.cancel();
                    std::future::pending::<()>().await;
                }
            }
        }
        self.inner.write(chunk).await
    }
    async fn commit(self: Box<Self>) -> adapters::Result<ObjectInfo> {
        self.inner.commit().await
    }
    async fn abort(self: Box<Self>) -> adapters::Result<()> {
        self.inner.abort().await
    }
}

#[async_trait]
impl Destination for Faulty {
    fn kind(&self) -> &'static str {
        "faulty"
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn describe(&self) -> String {
        format!("faulty {}", self.inner.describe())
    }
    async fn test_connection(&self) -> adapters::Result<()> {
        self.inner.test_connection().await
    }
    async fn writer(&self, path: &str) -> adapters::Result<Box<dyn DestinationWriter>> {
        Ok(Box::new(FaultyWriter {
            inner: self.inner.writer(path).await?,
            written: 0,
            after: self.after,
            fault: self.fault.clone(),
        }))
    }
    async fn read(&self, path: &str) -> adapters::Result<ByteStream> {
        self.inner.read(path).await
    }
    async fn list(&self, prefix: &str) -> adapters::Result<Vec<ObjectInfo>> {
        self.inner.list(prefix).await
    }
    async fn stat(&self, path: &str) -> adapters::Result<ObjectInfo> {
        self.inner.stat(path).await
    }
    async fn delete(&self, path: &str) -> adapters::Result<()> {
        self.inner.delete(path).await
    }
}

#[tokio::test]
async fn one_failing_destination_does_not_harm_the_other() {
    let work = temp_dir("fanout");
    let db = work.join("app.db");
    make_db(&db, 3).await;
    let (source, _) = SqliteSource::from_url(&format!("sqlite://{}", db.display())).unwrap();
    let sel = source.list_databases().await.unwrap();
    let (good, bad) = (work.join("good"), work.join("bad"));
    std::fs::create_dir_all(&good).unwrap();
    std::fs::create_dir_all(&bad).unwrap();
    let targets = [
        local("good", &good),
        Target {
            name: "bad".into(),
            destination: Arc::new(Faulty {
                inner: LocalDestination::new(bad.clone()),
                after: 1024 * 1024,
                fault: Fault::DiskFull,
            }),
        },
    ];
    let outcome = pipeline::backup(
        &source,
        Unit::Database(&sel[0]),
        &targets,
        &spec(Encryption::None),
        None,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let by_name = |n: &str| outcome.destinations.iter().find(|d| d.destination == n).unwrap();
    assert!(by_name("good").ok);
    assert!(!by_name("bad").ok);
    assert!(
        by_name("bad").error.as_deref().unwrap().contains("disk full"),
        "{:?}",
        by_name("bad")
    );
    assert_eq!(
        files(&bad),
        Vec::<String>::new(),
        "the failed destination keeps nothing"
    );
    assert_eq!(files(&good).len(), 2);

    // With every destination failing, the run fails and names the reason.
    let err = pipeline::backup(
        &source,
        Unit::Database(&sel[0]),
        &targets[1..],
        &spec(Encryption::None),
        None,
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(files(&bad), Vec::<String>::new());
    std::fs::remove_dir_all(work).ok();
}

#[tokio::test]
async fn cancel_mid_stream_leaves_nothing_behind() {
    let work = temp_dir("cancel");
    let db = work.join("app.db");
    make_db(&db, 8).await;
    let (source, _) = SqliteSource::from_url(&format!("sqlite://{}", db.display())).unwrap();
    let sel = source.list_databases().await.unwrap();
    let dest = work.join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let cancel = CancellationToken::new();
    let stalling = Target {
        name: "stalls".into(),
        destination: Arc::new(Faulty {
            inner: LocalDestination::new(dest.clone()),
            after: 4 * 1024 * 1024,
            fault: Fault::CancelAndStall(cancel.clone()),
        }),
    };
    let err = pipeline::backup(
        &source,
        Unit::Database(&sel[0]),
        &[stalling],
        &BackupSpec {
            compression: Compression::None,
            ..spec(Encryption::None)
        },
        None,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AdapterError::Cancelled), "{err}");
    assert_eq!(
        files(&dest),
        Vec::<String>::new(),
        "no object, manifest or temporary file"
    );
    std::fs::remove_dir_all(work).ok();
}

#[tokio::test]
async fn every_compression_and_passphrase_round_trip() {
    let work = temp_dir("codecs");
    let db = work.join("app.db");
    make_db(&db, 0).await;
    let (source, _) = SqliteSource::from_url(&format!("sqlite://{}", db.display())).unwrap();
    let sel = source.list_databases().await.unwrap();
    let dest_dir = work.join("dest");
    std::fs::create_dir_all(&dest_dir).unwrap();
    let dest = LocalDestination::new(dest_dir.clone());
    let cancel = CancellationToken::new();
    for (i, c) in [
        Compression::Zstd,
        Compression::Gzip,
        Compression::Brotli,
        Compression::None,
    ]
    .into_iter()
    .enumerate()
    {
        let enc = Encryption::passphrase("a passphrase for the test").unwrap();
        let outcome = pipeline::backup(
            &source,
            Unit::Database(&sel[0]),
            &[local("d", &dest_dir)],
            &BackupSpec {
                dir: format!("run{i}"),
                compression: c,
                ..spec(enc)
            },
            None,
            &cancel,
        )
        .await
        .unwrap();
        assert!(
            outcome.manifest.object.ends_with(&format!("{}.age", c.suffix())),
            "{}",
            outcome.manifest.object
        );
        let target = work.join(format!("r{i}.db"));
        pipeline::restore(
            &dest,
            &outcome.manifest.object,
            &Decryption::passphrase("a passphrase for the test"),
            &source,
            target.to_str().unwrap(),
            &policy(),
            None,
            &cancel,
        )
        .await
        .unwrap();
        assert_eq!(rows(&db).await, rows(&target).await, "{c:?}");
    }
    let _ = source.kind();
    std::fs::remove_dir_all(work).ok();
}

/// A source that generates `limit` bytes of highly compressible SQL text on demand and
/// counts what it has handed out.
struct Generated {
    limit: u64,
    produced: Arc<std::sync::atomic::AtomicU64>,
}

struct GeneratedStream {
    limit: u64,
    produced: Arc<std::sync::atomic::AtomicU64>,
    line: u64,
    pending: Vec<u8>,
}

impl tokio::io::AsyncRead for GeneratedStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::sync::atomic::Ordering;
        let this = &mut *self;
        let done = this.produced.load(Ordering::Relaxed);
        if done >= this.limit {
            return std::task::Poll::Ready(Ok(()));
        }
        while this.pending.len() < buf.remaining() {
            this.line += 1;
            let i = this.line;
            this.pending.extend_from_slice(
                format!(
                    "INSERT INTO orders VALUES ({i}, 'customer {}', 'shipped', 'note about order {}');\n",
                    i % 1000,
                    i % 97
                )
                .as_bytes(),
            );
        }
        let n = buf.remaining().min((this.limit - done) as usize);
        buf.put_slice(&this.pending[..n]);
        this.pending.drain(..n);
        this.produced.fetch_add(n as u64, Ordering::Relaxed);
        std::task::Poll::Ready(Ok(()))
    }
}

#[async_trait]
impl Source for Generated {
    fn kind(&self) -> &'static str {
        "generated"
    }
    fn extension(&self) -> &'static str {
        "sql"
    }
    async fn test_connection(&self) -> adapters::Result<()> {
        Ok(())
    }
    async fn server_version(&self) -> adapters::Result<String> {
        Ok("generated 1".into())
    }
    async fn list_databases(&self) -> adapters::Result<Vec<String>> {
        Ok(vec!["big".into()])
    }
    async fn tool_versions(&self) -> adapters::Result<Vec<String>> {
        Ok(vec![])
    }
    async fn dump(&self, _database: &str) -> adapters::Result<ByteStream> {
        Ok(Box::pin(GeneratedStream {
            limit: self.limit,
            produced: self.produced.clone(),
            line: 0,
            pending: Vec::new(),
        }))
    }
    async fn target_state(&self, _database: &str) -> adapters::Result<adapters::TargetState> {
        Ok(adapters::TargetState::Missing)
    }
    async fn restore(&self, _database: &str, _data: ByteStream, _replace: bool) -> adapters::Result<()> {
        Err(AdapterError::Other("generated sources cannot be restored".into()))
    }
}

/// Brotli at level 11 spends seconds on each block of input; a cancel must still end the
/// run promptly (the compressor does not hold up the async side), cleanly and
/// without leftovers. A single-threaded runtime is the harshest case: any codec work on
/// it would starve the task that notices the cancel.
#[tokio::test]
async fn cancel_during_slow_compression_is_prompt() {
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};
    let work = temp_dir("cancel-brotli");
    let dest = work.join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let produced = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let source = Generated {
        limit: 4 << 30,
        produced: produced.clone(),
    };
    let cancel = CancellationToken::new();
    // The cancel comes from another OS thread, so a starved runtime cannot delay it.
    let cancelled_at = {
        let (cancel, produced) = (cancel.clone(), produced.clone());
        std::thread::spawn(move || {
            // Well into the codec's work: several of brotli's input blocks handed over.
            let deadline = Instant::now() + Duration::from_secs(60);
            while produced.load(Ordering::Relaxed) < 1 << 20 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            cancel.cancel();
            (Instant::now(), produced.load(Ordering::Relaxed))
        })
    };
    let err = pipeline::backup(
        &source,
        Unit::Database("big"),
        &[local("d", &dest)],
        &BackupSpec {
            compression: Compression::Brotli,
            level: Some(11),
            ..spec(Encryption::None)
        },
        None,
        &cancel,
    )
    .await
    .unwrap_err();
    let returned = Instant::now();
    let (cancelled_at, read_then) = cancelled_at.join().unwrap();
    let latency = returned.saturating_duration_since(cancelled_at);
    eprintln!("brotli-11 cancel honoured after {latency:?} ({read_then} bytes read when cancelled)");
    assert!(read_then >= 1 << 20, "the backup never got going");
    assert!(matches!(err, AdapterError::Cancelled), "{err}");
    assert!(latency < Duration::from_secs(3), "cancel took {latency:?}");
    assert_eq!(
        files(&dest),
        Vec::<String>::new(),
        "no object, manifest or temporary file"
    );
    std::fs::remove_dir_all(work).ok();
}
