//! User import jobs: GetCSVHeader, Create/Start/Stop/Describe/ListUserImportJobs, the CSV PUT to
//! the pre-signed URL Cognate serves, row validation and counts, and imported users in
//! RESET_REQUIRED resetting their password, on both backends.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, SchemaAttributeType, UserImportJobStatusType, UserImportJobType,
    UserStatusType, VerifiedAttributeType,
};
use cognate_testkit::{TestApp, backend_tests};

use crate::auth::{error_of, password_auth};

backend_tests!(
    import_jobs_csv_header_create_describe_list,
    import_jobs_import_rows_and_count_failures,
    import_jobs_imported_users_reset_their_password,
    import_jobs_bad_files_fail_the_job,
    import_jobs_upload_url_is_signed_and_expires,
    import_jobs_stop_between_batches,
    import_jobs_expire_unstarted,
);

const ROLE: &str = "arn:aws:iam::123456789012:role/CognitoImport";

/// A pool with email auto-verified and a custom attribute; its id and a client.
async fn import_pool(app: &TestApp) -> (String, String) {
    let pool_id = app
        .idp
        .create_user_pool()
        .pool_name("imports")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(
            SchemaAttributeType::builder()
                .name("tenant")
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = app.client_for(&pool_id).await;
    (pool_id, client_id)
}

async fn create_job(app: &TestApp, pool_id: &str, name: &str) -> UserImportJobType {
    app.idp
        .create_user_import_job()
        .user_pool_id(pool_id)
        .job_name(name)
        .cloud_watch_logs_role_arn(ROLE)
        .send()
        .await
        .unwrap()
        .user_import_job
        .unwrap()
}

async fn header(app: &TestApp, pool_id: &str) -> Vec<String> {
    app.idp
        .get_csv_header()
        .user_pool_id(pool_id)
        .send()
        .await
        .unwrap()
        .csv_header
        .unwrap()
}

/// A CSV with `header` and one line per row (columns not named in a row are empty).
fn csv(header: &[String], rows: &[Vec<(&str, &str)>]) -> String {
    let mut text = header.join(",") + "\n";
    for row in rows {
        let values: HashMap<&str, &str> = row.iter().copied().collect();
        let line: Vec<String> = header
            .iter()
            .map(|column| {
                let value = values.get(column.as_str()).copied().unwrap_or("");
                if value.contains(',') || value.contains('"') {
                    format!("\"{}\"", value.replace('"', "\"\""))
                } else {
                    value.to_string()
                }
            })
            .collect();
        text += &(line.join(",") + "\n");
    }
    text
}

/// A user row with a verified email.
fn person(username: &'static str, email: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("cognito:username", username),
        ("cognito:mfa_enabled", "false"),
        ("email", email),
        ("email_verified", "true"),
    ]
}

/// PUTs `body` to the job's pre-signed URL as `curl -T` with AWS's example header does.
async fn upload(app: &TestApp, url: &str, body: String) -> (u16, String) {
    let response = app
        .http
        .put(url)
        .header("x-amz-server-side-encryption", "aws:kms")
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn start(app: &TestApp, pool_id: &str, job_id: &str) -> UserImportJobType {
    app.idp
        .start_user_import_job()
        .user_pool_id(pool_id)
        .job_id(job_id)
        .send()
        .await
        .unwrap()
        .user_import_job
        .unwrap()
}

async fn describe(app: &TestApp, pool_id: &str, job_id: &str) -> UserImportJobType {
    app.idp
        .describe_user_import_job()
        .user_pool_id(pool_id)
        .job_id(job_id)
        .send()
        .await
        .unwrap()
        .user_import_job
        .unwrap()
}

/// Polls until the job reaches a final status (the run is in the background).
async fn finished(app: &TestApp, pool_id: &str, job_id: &str) -> UserImportJobType {
    for _ in 0..2400 {
        let job = describe(app, pool_id, job_id).await;
        if matches!(
            job.status(),
            Some(
                UserImportJobStatusType::Succeeded
                    | UserImportJobStatusType::Failed
                    | UserImportJobStatusType::Stopped
            )
        ) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import job {job_id} did not finish");
}

/// Creates a job, uploads `body`, starts it and waits for the end.
async fn run_job(app: &TestApp, pool_id: &str, body: String) -> UserImportJobType {
    let job = create_job(app, pool_id, "run").await;
    let (status, _) = upload(app, job.pre_signed_url().unwrap(), body).await;
    assert_eq!(status, 200);
    let started = start(app, pool_id, job.job_id().unwrap()).await;
    assert_eq!(started.status(), Some(&UserImportJobStatusType::Pending));
    assert!(started.start_date().is_some());
    finished(app, pool_id, job.job_id().unwrap()).await
}

async fn import_jobs_csv_header_create_describe_list(app: TestApp) {
    let (pool_id, _) = import_pool(&app).await;
    let header = header(&app, &pool_id).await;
    assert_eq!(header.first().map(String::as_str), Some("name"));
    assert!(header.contains(&"email_verified".to_string()));
    assert!(header.contains(&"custom:tenant".to_string()));
    assert_eq!(
        header[header.len() - 2..],
        [
            "cognito:mfa_enabled".to_string(),
            "cognito:username".to_string()
        ]
    );
    let (code, _) = error_of(
        app.idp
            .get_csv_header()
            .user_pool_id("us-east-1_Missing00")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");

    let job = create_job(&app, &pool_id, "first").await;
    let job_id = job.job_id().unwrap().to_string();
    assert!(
        job_id.starts_with("import-") && job_id.len() == 17,
        "{job_id}"
    );
    assert_eq!(job.job_name(), Some("first"));
    assert_eq!(job.user_pool_id(), Some(pool_id.as_str()));
    assert_eq!(job.status(), Some(&UserImportJobStatusType::Created));
    assert_eq!(job.cloud_watch_logs_role_arn(), Some(ROLE));
    assert_eq!(
        (
            job.imported_users(),
            job.skipped_users(),
            job.failed_users()
        ),
        (0, 0, 0)
    );
    assert!(job.creation_date().is_some() && job.start_date().is_none());
    let url = job.pre_signed_url().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/_cognate/import/{pool_id}/{job_id}?",
            app.endpoint
        )),
        "{url}"
    );
    let described = describe(&app, &pool_id, &job_id).await;
    assert_eq!(described.job_name(), Some("first"));
    assert_eq!(described.status(), Some(&UserImportJobStatusType::Created));

    // CloudWatchLogsRoleArn is required.
    let raw = app
        .raw(
            "AWSCognitoIdentityProviderService.CreateUserImportJob",
            format!(r#"{{"UserPoolId":"{pool_id}","JobName":"x"}}"#),
        )
        .await;
    assert_eq!(raw.error_type(), "InvalidParameterException");

    let mut ids = vec![job_id.clone()];
    for name in ["second", "third"] {
        ids.push(create_job(&app, &pool_id, name).await.job_id.unwrap());
    }
    ids.sort();
    let list = |max: i32, token: Option<String>| {
        app.idp
            .list_user_import_jobs()
            .user_pool_id(&pool_id)
            .max_results(max)
            .set_pagination_token(token)
            .send()
    };
    let first = list(2, None).await.unwrap();
    assert_eq!(first.user_import_jobs().len(), 2);
    let token = first.pagination_token().unwrap().to_string();
    let second = list(2, Some(token)).await.unwrap();
    assert!(second.pagination_token().is_none());
    let listed: Vec<String> = first
        .user_import_jobs()
        .iter()
        .chain(second.user_import_jobs())
        .map(|job| job.job_id().unwrap().to_string())
        .collect();
    assert_eq!(listed, ids, "each job once");
    for bad in [0, 61] {
        let (code, _) = error_of(list(bad, None).await);
        assert_eq!(code, "InvalidParameterException", "MaxResults {bad}");
    }
    let (code, _) = error_of(list(2, Some("forged".into())).await);
    assert_eq!(code, "InvalidParameterException");

    // Another pool sees none of these jobs.
    let (other, _) = import_pool(&app).await;
    let (code, _) = error_of(
        app.idp
            .describe_user_import_job()
            .user_pool_id(&other)
            .job_id(&job_id)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = error_of(
        app.idp
            .start_user_import_job()
            .user_pool_id(&other)
            .job_id(&job_id)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    let others = app
        .idp
        .list_user_import_jobs()
        .user_pool_id(&other)
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert!(others.user_import_jobs().is_empty());
}

async fn import_jobs_import_rows_and_count_failures(app: TestApp) {
    let (pool_id, _) = import_pool(&app).await;
    app.confirmed_user(&pool_id, "existing", "Existing!Passw0rd")
        .await;
    let header = header(&app, &pool_id).await;
    let mut with_tenant = person("ann", "ann@example.com");
    with_tenant.extend([("custom:tenant", "acme, inc"), ("name", "Ann \"A\" Lee")]);
    let body = csv(
        &header,
        &[
            with_tenant,
            person("bob", "bob@example.com"),
            // Missing username.
            person("", "nobody@example.com"),
            // Already a user of the pool.
            person("existing", "existing2@example.com"),
            // Twice in the file: the second fails.
            person("bob", "bob2@example.com"),
            // Not a boolean.
            vec![
                ("cognito:username", "carl"),
                ("cognito:mfa_enabled", "false"),
                ("email", "carl@example.com"),
                ("email_verified", "yes"),
            ],
            // No auto-verified attribute verified.
            vec![
                ("cognito:username", "dana"),
                ("cognito:mfa_enabled", "false"),
                ("email", "dana@example.com"),
                ("email_verified", "false"),
            ],
            // MFA on without a phone number.
            vec![
                ("cognito:username", "erin"),
                ("cognito:mfa_enabled", "TRUE"),
                ("email", "erin@example.com"),
                ("email_verified", "true"),
            ],
            // MFA on with a phone number: imported.
            vec![
                ("cognito:username", "finn"),
                ("cognito:mfa_enabled", "true"),
                ("email", "finn@example.com"),
                ("email_verified", "TRUE"),
                ("phone_number", "+15555550100"),
            ],
        ],
    );
    let job = run_job(&app, &pool_id, body).await;
    assert_eq!(job.status(), Some(&UserImportJobStatusType::Succeeded));
    assert_eq!(job.imported_users(), 3);
    assert_eq!(job.failed_users(), 6);
    assert_eq!(job.skipped_users(), 0);
    assert!(job.completion_date().is_some());
    assert!(job.completion_message().is_some());

    let ann = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("ann")
        .send()
        .await
        .unwrap();
    assert_eq!(ann.user_status(), Some(&UserStatusType::ResetRequired));
    let attributes: HashMap<&str, &str> = ann
        .user_attributes()
        .iter()
        .map(|a| (a.name(), a.value().unwrap_or_default()))
        .collect();
    assert_eq!(attributes["custom:tenant"], "acme, inc");
    assert_eq!(attributes["name"], "Ann \"A\" Lee");
    assert_eq!(attributes["email_verified"], "true");
    assert!(attributes.contains_key("sub"));
    let bob = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("bob")
        .send()
        .await
        .unwrap();
    let bob_email = bob
        .user_attributes()
        .iter()
        .find(|a| a.name() == "email")
        .and_then(|a| a.value());
    assert_eq!(bob_email, Some("bob@example.com"), "the first bob row won");
    let finn = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("finn")
        .send()
        .await
        .unwrap();
    assert_eq!(finn.user_mfa_setting_list(), ["SMS_MFA".to_string()]);
    for failed in ["carl", "dana", "erin"] {
        let (code, _) = error_of(
            app.idp
                .admin_get_user()
                .user_pool_id(&pool_id)
                .username(failed)
                .send()
                .await,
        );
        assert_eq!(code, "UserNotFoundException", "{failed}");
    }
    let existing = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("existing")
        .send()
        .await
        .unwrap();
    assert_eq!(existing.user_status(), Some(&UserStatusType::Confirmed));
}

async fn import_jobs_imported_users_reset_their_password(app: TestApp) {
    let (pool_id, client_id) = import_pool(&app).await;
    let header = header(&app, &pool_id).await;
    let job = run_job(
        &app,
        &pool_id,
        csv(&header, &[person("gail", "gail@example.com")]),
    )
    .await;
    assert_eq!(job.imported_users(), 1);
    let (code, _) = error_of(password_auth(&app, &client_id, "gail", "Any!Passw0rd").await);
    assert_eq!(code, "PasswordResetRequiredException");
    app.idp
        .forgot_password()
        .client_id(&client_id)
        .username("gail")
        .send()
        .await
        .unwrap();
    let code = app.last_code(&pool_id, "gail").await;
    app.idp
        .confirm_forgot_password()
        .client_id(&client_id)
        .username("gail")
        .confirmation_code(code)
        .password("N3w!Passw0rd")
        .send()
        .await
        .unwrap();
    let signed_in = password_auth(&app, &client_id, "gail", "N3w!Passw0rd")
        .await
        .unwrap();
    assert!(signed_in.authentication_result().is_some());
    let gail = app
        .idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("gail")
        .send()
        .await
        .unwrap();
    assert_eq!(gail.user_status(), Some(&UserStatusType::Confirmed));
}

async fn import_jobs_bad_files_fail_the_job(app: TestApp) {
    let (pool_id, _) = import_pool(&app).await;
    let mut header = header(&app, &pool_id).await;
    header.push("favourite_color".into());
    let job = run_job(
        &app,
        &pool_id,
        csv(&header, &[person("hal", "hal@example.com")]),
    )
    .await;
    assert_eq!(job.status(), Some(&UserImportJobStatusType::Failed));
    assert!(
        job.completion_message()
            .unwrap()
            .contains("favourite_color"),
        "{:?}",
        job.completion_message()
    );
    assert_eq!(job.imported_users(), 0);

    // Started without an upload.
    let empty = create_job(&app, &pool_id, "empty").await;
    start(&app, &pool_id, empty.job_id().unwrap()).await;
    let ended = finished(&app, &pool_id, empty.job_id().unwrap()).await;
    assert_eq!(ended.status(), Some(&UserImportJobStatusType::Failed));

    // A pool without auto-verified attributes cannot import.
    let (plain, _) = app.pool_with_client().await;
    let job = create_job(&app, &plain, "plain").await;
    let (code, _) = error_of(
        app.idp
            .start_user_import_job()
            .user_pool_id(&plain)
            .job_id(job.job_id().unwrap())
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

async fn import_jobs_upload_url_is_signed_and_expires(app: TestApp) {
    let (pool_id, _) = import_pool(&app).await;
    let header = header(&app, &pool_id).await;
    let body = csv(&header, &[person("ivy", "ivy@example.com")]);
    let job = create_job(&app, &pool_id, "signed").await;
    let other = create_job(&app, &pool_id, "other").await;
    let url = job.pre_signed_url().unwrap().to_string();

    let mut tampered = url.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    let (status, text) = upload(&app, &tampered, body.clone()).await;
    assert_eq!(status, 403);
    assert!(text.contains("<Code>AccessDenied</Code>"), "{text}");
    // The signature of one job does not open another's URL.
    let swapped = url.replace(job.job_id().unwrap(), other.job_id().unwrap());
    assert_eq!(upload(&app, &swapped, body.clone()).await.0, 403);
    let extended = url.replace("expires=", "expires=9");
    assert_eq!(upload(&app, &extended, body.clone()).await.0, 403);
    let unsigned = url.split('?').next().unwrap().to_string();
    assert_eq!(upload(&app, &unsigned, body.clone()).await.0, 403);

    assert_eq!(upload(&app, &url, body.clone()).await.0, 200);
    // A fresh Describe signs a fresh URL; the old one expires after 15 minutes.
    app.clock.advance_secs(15 * 60 + 1);
    assert_eq!(upload(&app, &url, body.clone()).await.0, 403);
    let fresh = describe(&app, &pool_id, job.job_id().unwrap()).await;
    let fresh_url = fresh.pre_signed_url().unwrap().to_string();
    assert_eq!(upload(&app, &fresh_url, body.clone()).await.0, 200);

    start(&app, &pool_id, job.job_id().unwrap()).await;
    assert_eq!(
        upload(&app, &fresh_url, body).await.0,
        409,
        "started: file fixed"
    );
    let (code, _) = error_of(
        app.idp
            .start_user_import_job()
            .user_pool_id(&pool_id)
            .job_id(job.job_id().unwrap())
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException", "started twice");
    let done = finished(&app, &pool_id, job.job_id().unwrap()).await;
    assert_eq!(done.imported_users(), 1);
}

async fn import_jobs_stop_between_batches(app: TestApp) {
    let (pool_id, _) = import_pool(&app).await;
    let header = header(&app, &pool_id).await;
    const ROWS: usize = 20_000;
    let mut body = header.join(",") + "\n";
    let username = header.iter().position(|c| c == "cognito:username").unwrap();
    let mfa = header
        .iter()
        .position(|c| c == "cognito:mfa_enabled")
        .unwrap();
    let email = header.iter().position(|c| c == "email").unwrap();
    let verified = header.iter().position(|c| c == "email_verified").unwrap();
    for n in 0..ROWS {
        let mut line = vec![String::new(); header.len()];
        line[username] = format!("bulk{n}");
        line[mfa] = "false".into();
        line[email] = format!("bulk{n}@example.com");
        line[verified] = "true".into();
        body += &(line.join(",") + "\n");
    }
    let job = create_job(&app, &pool_id, "stopped").await;
    let job_id = job.job_id().unwrap();
    assert_eq!(
        upload(&app, job.pre_signed_url().unwrap(), body).await.0,
        200
    );
    let (code, _) = error_of(
        app.idp
            .stop_user_import_job()
            .user_pool_id(&pool_id)
            .job_id(job_id)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException", "not started yet");
    start(&app, &pool_id, job_id).await;
    let stopping = app
        .idp
        .stop_user_import_job()
        .user_pool_id(&pool_id)
        .job_id(job_id)
        .send()
        .await
        .unwrap()
        .user_import_job
        .unwrap();
    assert_eq!(stopping.status(), Some(&UserImportJobStatusType::Stopping));
    let stopped = finished(&app, &pool_id, job_id).await;
    assert_eq!(stopped.status(), Some(&UserImportJobStatusType::Stopped));
    assert!(stopped.completion_date().is_some());
    let total = stopped.imported_users() + stopped.failed_users() + stopped.skipped_users();
    assert!(stopped.imported_users() < ROWS as i64, "{stopped:?}");
    assert!(total <= ROWS as i64, "{stopped:?}");
    assert_eq!(stopped.failed_users(), 0);
    // Rows are whole: every imported user is there, nothing more.
    let mut listed = 0;
    let mut token = None;
    loop {
        let page = app
            .idp
            .list_users()
            .user_pool_id(&pool_id)
            .set_pagination_token(token)
            .send()
            .await
            .unwrap();
        listed += page.users().len();
        token = page.pagination_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(listed as i64, stopped.imported_users());
    let (code, _) = error_of(
        app.idp
            .stop_user_import_job()
            .user_pool_id(&pool_id)
            .job_id(job_id)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException", "already stopped");
}

async fn import_jobs_expire_unstarted(app: TestApp) {
    let (pool_id, _) = import_pool(&app).await;
    let job = create_job(&app, &pool_id, "late").await;
    app.clock.advance_secs(24 * 60 * 60);
    let described = describe(&app, &pool_id, job.job_id().unwrap()).await;
    assert_eq!(described.status(), Some(&UserImportJobStatusType::Expired));
    let (code, _) = error_of(
        app.idp
            .start_user_import_job()
            .user_pool_id(&pool_id)
            .job_id(job.job_id().unwrap())
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
}

// ----------------------------------------------------------------------------- benchmark

/// Import rate through the real server (ignored; numbers printed, never asserted):
/// `IMPORT_ROWS=100000 cargo test -p cognate-testkit --release --test it -- --ignored import_rate --nocapture`
/// (with TEST_DATABASE_URL for the Postgres run). SQLite runs on a database file.
#[allow(clippy::disallowed_methods)] // Wall-clock time is what a benchmark measures.
async fn import_rate(app: TestApp, label: &str) {
    let rows: usize = std::env::var("IMPORT_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let (pool_id, _) = import_pool(&app).await;
    let header = header(&app, &pool_id).await;
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (username, mfa, email, verified, given) = (
        column("cognito:username"),
        column("cognito:mfa_enabled"),
        column("email"),
        column("email_verified"),
        column("given_name"),
    );
    let mut body = header.join(",") + "\n";
    for n in 0..rows {
        let mut line = vec![String::new(); header.len()];
        line[username] = format!("user{n:07}");
        line[mfa] = "false".into();
        line[email] = format!("user{n:07}@example.com");
        line[verified] = "true".into();
        line[given] = format!("Given{n}");
        body += &(line.join(",") + "\n");
    }
    let bytes = body.len();
    let job = create_job(&app, &pool_id, "rate").await;
    let job_id = job.job_id().unwrap();
    let uploading = std::time::Instant::now();
    assert_eq!(
        upload(&app, job.pre_signed_url().unwrap(), body).await.0,
        200
    );
    let uploaded = uploading.elapsed();
    let started = std::time::Instant::now();
    start(&app, &pool_id, job_id).await;
    let done = loop {
        let job = describe(&app, &pool_id, job_id).await;
        if job.status() == Some(&UserImportJobStatusType::Succeeded) {
            break job;
        }
        assert_ne!(job.status(), Some(&UserImportJobStatusType::Failed));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let took = started.elapsed();
    assert_eq!(done.imported_users(), rows as i64);
    println!(
        "{label}: import job of {rows} rows ({:.1} MB CSV, PUT in {:.2} s): Start to Succeeded in \
         {:.1} s = {:.0} rows/s",
        bytes as f64 / 1e6,
        uploaded.as_secs_f64(),
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn import_rate_sqlite() {
    let dir = std::env::temp_dir().join(format!("cognate-import-{}", std::process::id()));
    let url = format!("sqlite://{}/import.db", dir.display());
    let app = TestApp::spawn_with(cognate_testkit::Backend::Sqlite, |config| {
        config.database.in_memory = false;
        config.database.url = url;
    })
    .await
    .unwrap();
    import_rate(app, "sqlite (file)").await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn import_rate_postgres() {
    match TestApp::spawn(cognate_testkit::Backend::Postgres).await {
        Some(app) => import_rate(app, "postgres").await,
        None => eprintln!("TEST_DATABASE_URL unset: Postgres run skipped"),
    }
}
