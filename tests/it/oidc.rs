//! JWKS and OpenID discovery documents.

use cognate_testkit::{TestApp, backend_tests};

backend_tests!(
    jwks_has_two_rs256_keys,
    discovery_names_issuer_and_jwks,
    unknown_pool_documents_are_404
);

async fn pool(app: &TestApp) -> String {
    app.idp
        .create_user_pool()
        .pool_name("o")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

pub(crate) async fn get_json(app: &TestApp, path: &str) -> (u16, serde_json::Value) {
    let response = app
        .http
        .get(format!("{}{path}", app.endpoint))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

async fn jwks_has_two_rs256_keys(app: TestApp) {
    let pool_id = pool(&app).await;
    let (status, jwks) = get_json(&app, &format!("/{pool_id}/.well-known/jwks.json")).await;
    assert_eq!(status, 200);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["alg"], "RS256");
        assert_eq!(key["use"], "sig");
        assert_eq!(key["e"], "AQAB");
        assert!(key["n"].as_str().unwrap().len() > 300);
    }
    assert_ne!(keys[0]["kid"], keys[1]["kid"]);
    // Stable across calls.
    let (_, again) = get_json(&app, &format!("/{pool_id}/.well-known/jwks.json")).await;
    assert_eq!(jwks, again);
}

async fn discovery_names_issuer_and_jwks(app: TestApp) {
    let pool_id = pool(&app).await;
    let (status, doc) = get_json(
        &app,
        &format!("/{pool_id}/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(doc["issuer"], format!("{}/{pool_id}", app.endpoint));
    assert_eq!(
        doc["jwks_uri"],
        format!("{}/{pool_id}/.well-known/jwks.json", app.endpoint)
    );
    assert_eq!(doc["id_token_signing_alg_values_supported"][0], "RS256");
}

async fn unknown_pool_documents_are_404(app: TestApp) {
    let (status, _) = get_json(&app, "/us-east-1_AAAAAAAAA/.well-known/jwks.json").await;
    assert_eq!(status, 404);
}
