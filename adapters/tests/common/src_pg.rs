//! The PostgreSQL backend of the source suite, driven with psql.

use crate::src_support::{Backend, live_processes, run};
use adapters::sources::PostgresSource;
use adapters::{AdapterError, Source};
use async_trait::async_trait;

pub struct Pg {
    url: url::Url,
    /// Query string appended to every source URL (`format=plain`…).
    options: String,
}

impl Pg {
    pub fn new(url: &str, options: &str) -> Self {
        Pg {
            url: url::Url::parse(url).expect("TEST_PG_URL is a URL"),
            options: options.to_string(),
        }
    }

    fn source_url(&self, user: &str, password: Option<&str>, port: u16) -> String {
        let password = password.map(|p| format!(":{p}")).unwrap_or_default();
        let host = self.url.host_str().unwrap();
        format!("postgres://{user}{password}@{host}:{port}/?{}", self.options)
    }

    fn port(&self) -> u16 {
        self.url.port().unwrap_or(5432)
    }

    fn psql(&self, database: &str) -> tokio::process::Command {
        let mut c = tokio::process::Command::new("psql");
        c.args([
            "-X",
            "-w",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-P",
            "null=<NULL>",
        ])
        .args(["-h", self.url.host_str().unwrap(), "-p", &self.port().to_string()])
        .args(["-U", self.url.username(), "-d", database]);
        if let Some(password) = self.url.password() {
            c.env("PGPASSWORD", password);
        }
        c
    }
}

#[async_trait]
impl Backend for Pg {
    fn source(&self, _database: &str) -> Box<dyn Source> {
        let url = self.source_url(self.url.username(), self.url.password(), self.port());
        Box::new(PostgresSource::from_url(&url).unwrap().0)
    }

    fn many_databases(&self) -> bool {
        true
    }

    async fn create(&self, database: &str, rows: usize) {
        run(self.psql("postgres"), &format!("create database \"{database}\";")).await;
        let sql = format!(
            r#"
            create table people (id int primary key, name text not null, note text, score numeric(10,2),
                                 born date, tags text[]);
            insert into people
              select g, 'name ' || g || ' — ünïcødé ✓ 🎉 ''quoted'' "double" \back',
                     case when g % 7 = 0 then null else md5(g::text) || md5((g * 31)::text) end,
                     g * 1.25, date '2000-01-01' + g % 9000,
                     case when g % 3 = 0 then array['a', 'b c', null] end
              from generate_series(1, {rows}) g;
            create table blobs (id serial primary key, data bytea);
            insert into blobs (data) values ('\x00ff10'), (null), (decode(repeat('00ff', 1000), 'hex')), ('');
            create view evens as select id, name from people where id % 2 = 0;
            create function people_count() returns bigint language sql as 'select count(*) from people';
            "#
        );
        run(self.psql(database), &sql).await;
    }

    async fn snapshot(&self, database: &str) -> String {
        let sql = "select * from people order by id;
                   select id, encode(data, 'hex') from blobs order by id;
                   select count(*) from evens;
                   select people_count();";
        run(self.psql(database), sql).await
    }

    fn drop_databases(&self, databases: &[String]) {
        for db in databases {
            let _ = std::process::Command::new("psql")
                .args([
                    "-X",
                    "-w",
                    "-q",
                    "-h",
                    self.url.host_str().unwrap(),
                    "-p",
                    &self.port().to_string(),
                ])
                .args(["-U", self.url.username(), "-d", "postgres"])
                .args(["-c", &format!("drop database if exists \"{db}\" with (force)")])
                .envs(self.url.password().map(|p| ("PGPASSWORD", p.to_string())))
                .status();
        }
    }

    fn wrong_credentials(&self) -> Option<Box<dyn Source>> {
        // The test server trusts every login, so no password is ever wrong there; an
        // unknown role is refused at login all the same.
        let url = self.source_url("bulwark_no_such_role", Some("wrong"), self.port());
        Some(Box::new(PostgresSource::from_url(&url).unwrap().0))
    }

    fn unreachable(&self) -> Option<Box<dyn Source>> {
        let url = self.source_url(self.url.username(), None, 1);
        Some(Box::new(PostgresSource::from_url(&url).unwrap().0))
    }

    fn missing_tool(&self) -> Option<Box<dyn Source>> {
        let url = self.source_url(self.url.username(), None, self.port());
        let url = format!("{url}&tool_dir=/nonexistent/bulwark/bin");
        Some(Box::new(PostgresSource::from_url(&url).unwrap().0))
    }

    fn dumps_in_flight(&self, database: &str) -> usize {
        live_processes("pg_dump", database).len()
    }

    fn is_truncation_error(&self, error: &AdapterError) -> bool {
        matches!(error, AdapterError::ToolFailed { tool, .. } if tool == "pg_restore" || tool == "psql")
    }
}
