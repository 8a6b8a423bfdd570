//! `GET /api/v1/openapi.json`: the REST API described for clients and tools.

use axum::Json;
use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub fn document() -> Value {
    let errors = json!({
        "401": error_response("Missing, unknown, revoked or expired API key"),
        "403": error_response("The key lacks the permission this route needs"),
        "404": error_response("No such resource"),
    });
    let with_errors = |ok: Value| {
        let mut responses = errors.clone();
        responses["200"] = ok;
        responses
    };
    let accepted = |schema: Value| {
        let mut responses = errors.clone();
        responses["202"] =
            json!({"description": "Accepted", "content": {"application/json": {"schema": schema}}});
        responses
    };
    let id_param = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Bulwark REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Authenticate with `Authorization: Bearer bwk_…` (create keys in the console or with `bulwark api-key create`). Errors are `{\"error\": {\"code\", \"message\"}}`."
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
                    "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Execution": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "job_id": {"type": "integer", "nullable": true},
                    "kind": {"type": "string", "enum": ["backup", "restore", "verify"]},
                    "status": {"type": "string", "enum": ["pending", "running", "success", "partial", "failed", "cancelled", "skipped"]},
                    "trigger": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                    "started_at": {"type": "string", "format": "date-time", "nullable": true},
                    "finished_at": {"type": "string", "format": "date-time", "nullable": true},
                    "raw_bytes": {"type": "integer", "nullable": true}, "stored_bytes": {"type": "integer", "nullable": true},
                    "checksum_sha256": {"type": "string", "nullable": true}, "error": {"type": "string", "nullable": true}}},
                "Job": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string", "nullable": true},
                    "cron": {"type": "string"}, "timezone": {"type": "string"}, "enabled": {"type": "boolean"},
                    "compression": {"type": "string", "enum": ["zstd", "gzip", "brotli", "none"]},
                    "compression_level": {"type": "integer", "nullable": true}, "retention": {"type": "object"},
                    "notify_on": {"type": "string", "enum": ["always", "failure", "success", "never"]},
                    "source_id": {"type": "integer"}, "databases": {"type": "array", "items": {"type": "string"}},
                    "encryption_profile_id": {"type": "integer", "nullable": true},
                    "destinations": {"type": "array", "items": {"type": "object", "properties": {
                        "destination_id": {"type": "integer"}, "priority": {"type": "integer"}}}},
                    "last_run_at": {"type": "string", "format": "date-time", "nullable": true},
                    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}}}
            }
        },
        "security": [{"apiKey": []}],
        "paths": {
            "/api/v1/executions": {"get": {
                "summary": "List executions, newest first (permission executions:read)",
                "parameters": [
                    {"name": "job_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                    {"name": "before", "in": "query", "description": "Keyset pagination: the `next_before` of the previous page", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
                ],
                "responses": with_errors(json!({"description": "A page of executions", "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"executions": {"type": "array", "items": {"$ref": "#/components/schemas/Execution"}},
                                   "next_before": {"type": "integer", "nullable": true}}}}}}))
            }},
            "/api/v1/executions/{id}": {"get": {
                "summary": "One execution with its per-destination results and log (permission executions:read)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": with_errors(json!({"description": "The execution", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Execution"}}}}))
            }},
            "/api/v1/executions/{id}/cancel": {"post": {
                "summary": "Cancel a pending execution, or ask a running one to stop (permission executions:cancel)",
                "parameters": [id_param.clone()],
                "responses": accepted(json!({"type": "object", "properties": {"execution_id": {"type": "integer"},
                    "outcome": {"type": "string", "enum": ["cancelled", "requested", "already_finished"]}}}))
            }},
            "/api/v1/jobs": {"get": {
                "summary": "List jobs by name (permission jobs:read)",
                "responses": with_errors(json!({"description": "Every job", "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}}}}}))
            }},
            "/api/v1/jobs/{id}": {"get": {
                "summary": "One job with its destinations (permission jobs:read)",
                "parameters": [id_param.clone()],
                "responses": with_errors(json!({"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}))
            }},
            "/api/v1/jobs/{id}/run": {"post": {
                "summary": "Queue a run of the job now (permission jobs:execute); poll /api/v1/executions/{execution_id}",
                "parameters": [id_param],
                "responses": accepted(json!({"type": "object", "required": ["execution_id"], "properties": {"execution_id": {"type": "integer"}}}))
            }}
        }
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
