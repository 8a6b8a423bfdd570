//! The adapters' conformance suites in one test binary (linked once): each file is a
//! module, run one with `cargo test -p adapters --test conformance sources::`. The
//! shared helpers are in `../common/`.

#[path = "../common/capture.rs"]
mod capture;
#[path = "../common/dest_support.rs"]
mod dest_support;
#[path = "../common/notify_support.rs"]
mod notify_support;
#[path = "../common/src_mariadb.rs"]
mod src_mariadb;
#[path = "../common/src_pg.rs"]
mod src_pg;
#[path = "../common/src_sqlite.rs"]
mod src_sqlite;
#[path = "../common/src_support.rs"]
mod src_support;

mod destinations;
mod notifier_chat;
mod notifier_email;
mod notifier_push;
mod notifier_slack;
mod pipeline;
mod sources;
