//! Providers' S3 settings, for the form: endpoint, region and addressing style filled in,
//! with what is left to enter. Placeholders in angle brackets are refused until replaced.

use crate::registry::Preset;

pub static PRESETS: [Preset; 7] = [
    Preset {
        id: "aws",
        label: "Amazon S3",
        values: &[("endpoint", ""), ("region", "us-east-1"), ("path_style", "false")],
        note: "Set the region your bucket is in.",
    },
    Preset {
        id: "r2",
        label: "Cloudflare R2",
        values: &[
            ("endpoint", "https://<account-id>.r2.cloudflarestorage.com"),
            ("region", "auto"),
            ("path_style", "true"),
        ],
        note: "Replace <account-id> with your Cloudflare account ID; the keys are an R2 API token's.",
    },
    Preset {
        id: "b2",
        label: "Backblaze B2",
        values: &[
            ("endpoint", "https://s3.us-west-004.backblazeb2.com"),
            ("region", "us-west-004"),
            ("path_style", "false"),
        ],
        note: "Use the endpoint shown on your bucket's page and its region; the keys are an application key's.",
    },
    Preset {
        id: "hetzner",
        label: "Hetzner Object Storage",
        values: &[
            ("endpoint", "https://fsn1.your-objectstorage.com"),
            ("region", "fsn1"),
            ("path_style", "false"),
        ],
        note: "fsn1, nbg1 or hel1: your bucket's location, in both the endpoint and the region.",
    },
    Preset {
        id: "wasabi",
        label: "Wasabi",
        values: &[
            ("endpoint", "https://s3.us-east-1.wasabisys.com"),
            ("region", "us-east-1"),
            ("path_style", "false"),
        ],
        note: "Use your bucket's region in both the endpoint and the region.",
    },
    Preset {
        id: "minio",
        label: "MinIO",
        values: &[
            ("endpoint", "https://<minio-host>:9000"),
            ("region", "us-east-1"),
            ("path_style", "true"),
        ],
        note: "Replace <minio-host> with your MinIO server's address.",
    },
    Preset {
        id: "garage",
        label: "Garage",
        values: &[
            ("endpoint", "http://<garage-host>:3900"),
            ("region", "garage"),
            ("path_style", "true"),
        ],
        note: "Replace <garage-host> with your Garage node; the region is its s3_region (garage by default).",
    },
];
