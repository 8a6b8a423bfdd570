//! The MariaDB backend of the source suite, driven with the mariadb client.

use crate::src_support::{Backend, live_processes, run};
use adapters::sources::MysqlSource;
use adapters::{AdapterError, Source};
use async_trait::async_trait;

pub struct Mariadb {
    url: url::Url,
}

impl Mariadb {
    pub fn new(url: &str) -> Self {
        Mariadb {
            url: url::Url::parse(url).expect("TEST_MARIADB_URL is a URL"),
        }
    }

    fn port(&self) -> u16 {
        self.url.port().unwrap_or(3306)
    }

    fn source_with(&self, password: Option<&str>, port: u16, query: &str) -> Box<dyn Source> {
        let password = password.map(|p| format!(":{p}")).unwrap_or_default();
        let (user, host) = (self.url.username(), self.url.host_str().unwrap());
        let url = format!("mysql://{user}{password}@{host}:{port}/?{query}");
        Box::new(MysqlSource::from_url(&url).unwrap().0)
    }

    fn client_args(&self) -> Vec<String> {
        vec![
            "--no-defaults".into(),
            "--protocol=TCP".into(),
            format!("--host={}", self.url.host_str().unwrap()),
            format!("--port={}", self.port()),
            format!("--user={}", self.url.username()),
            "--default-character-set=utf8mb4".into(),
            "--batch".into(),
            "--skip-column-names".into(),
        ]
    }

    fn client(&self, database: &str) -> tokio::process::Command {
        let mut c = tokio::process::Command::new("mariadb");
        c.args(self.client_args()).arg(format!("--database={database}"));
        if let Some(password) = self.url.password() {
            c.env("MYSQL_PWD", password);
        }
        c
    }
}

#[async_trait]
impl Backend for Mariadb {
    fn source(&self, _database: &str) -> Box<dyn Source> {
        self.source_with(self.url.password(), self.port(), "")
    }

    fn many_databases(&self) -> bool {
        true
    }

    async fn create(&self, database: &str, rows: usize) {
        let create = format!("CREATE DATABASE `{database}` CHARACTER SET utf8mb4;");
        run(self.client("mysql"), &create).await;
        let sql = format!(
            r#"
            CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, note TEXT NULL,
                                 score DECIMAL(10,2), born DATE, data BLOB NULL) DEFAULT CHARSET=utf8mb4;
            INSERT INTO people
              SELECT seq, CONCAT('name ', seq, ' — ünïcødé ✓ 🎉 ''quoted'' "double" \\back'),
                     IF(seq % 7 = 0, NULL, CONCAT(MD5(seq), MD5(seq * 31))),
                     seq * 1.25, DATE_ADD('2000-01-01', INTERVAL seq % 9000 DAY),
                     IF(seq % 5 = 0, NULL, UNHEX(MD5(seq)))
              FROM seq_1_to_{rows};
            CREATE TABLE blobs (id INT AUTO_INCREMENT PRIMARY KEY, data LONGBLOB);
            INSERT INTO blobs (data) VALUES (UNHEX('00FF10')), (NULL), (REPEAT(UNHEX('00FF'), 1000)), ('');
            CREATE VIEW evens AS SELECT id, name FROM people WHERE id % 2 = 0;
            CREATE PROCEDURE people_count() SELECT COUNT(*) FROM people;
            CREATE TRIGGER people_score BEFORE INSERT ON people FOR EACH ROW SET NEW.score = NEW.score;
            "#
        );
        run(self.client(database), &sql).await;
    }

    async fn snapshot(&self, database: &str) -> String {
        let sql = "SELECT id, name, note, score, born, HEX(data) FROM people ORDER BY id;
                   SELECT id, HEX(data) FROM blobs ORDER BY id;
                   SELECT COUNT(*) FROM evens;
                   CALL people_count();
                   SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE();";
        run(self.client(database), sql).await
    }

    fn drop_databases(&self, databases: &[String]) {
        for db in databases {
            let _ = std::process::Command::new("mariadb")
                .args(self.client_args())
                .args(["-e", &format!("DROP DATABASE IF EXISTS `{db}`")])
                .envs(self.url.password().map(|p| ("MYSQL_PWD", p.to_string())))
                .status();
        }
    }

    fn wrong_credentials(&self) -> Option<Box<dyn Source>> {
        Some(self.source_with(Some("definitely-wrong"), self.port(), ""))
    }

    fn unreachable(&self) -> Option<Box<dyn Source>> {
        Some(self.source_with(None, 1, ""))
    }

    fn missing_tool(&self) -> Option<Box<dyn Source>> {
        Some(self.source_with(self.url.password(), self.port(), "dump_tool=bulwark-no-such-dump"))
    }

    fn dumps_in_flight(&self, database: &str) -> usize {
        live_processes("mariadb-dump", database).len()
    }

    fn is_truncation_error(&self, error: &AdapterError) -> bool {
        matches!(error, AdapterError::ToolFailed { tool, .. } if tool == "mariadb" || tool == "mysql")
    }
}
