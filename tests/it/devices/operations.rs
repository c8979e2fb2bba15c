//! The device operations: ConfirmDevice, (Admin)ListDevices, (Admin)GetDevice,
//! (Admin)ForgetDevice and (Admin)UpdateDeviceStatus, with their errors.

use aws_sdk_cognitoidentityprovider::types::{
    DeviceRememberedStatusType, DeviceSecretVerifierConfigType,
};
use cognate_testkit::device_srp_client::DeviceSecret;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};

use super::*;
use crate::auth::{error_of, fixture, password_auth};

backend_tests!(
    devices_confirm_device,
    devices_confirm_on_user_prompt,
    devices_list_get_forget_update,
    devices_admin_operations,
);

async fn devices_confirm_device(app: TestApp) {
    let (_, untracked_client) = fixture(&app).await;
    let plain = tokens_of(
        password_auth(&app, &untracked_client, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    let nothing_issued = app
        .idp
        .confirm_device()
        .access_token(plain.access_token().unwrap())
        .device_key(UNKNOWN_KEY)
        .device_secret_verifier_config(DeviceSecret::new(UNKNOWN_KEY, "-g").verifier_config())
        .send()
        .await;
    assert_eq!(
        error_of(nothing_issued),
        (
            "ResourceNotFoundException".into(),
            "Device does not exist.".into()
        )
    );

    let (_, client_id) = tracked_pool(&app, false).await;
    let tokens = tokens_of(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    let access = tokens.access_token().unwrap();
    let metadata = tokens.new_device_metadata.clone().unwrap();
    let key = metadata.device_key().unwrap();
    let confirm = |key: &str, config: DeviceSecretVerifierConfigType| {
        app.idp
            .confirm_device()
            .access_token(access)
            .device_key(key)
            .device_secret_verifier_config(config)
            .device_name("phone")
            .send()
    };
    let device = DeviceSecret::new(key, metadata.device_group_key().unwrap());
    let garbage = DeviceSecretVerifierConfigType::builder()
        .salt("not base64!")
        .password_verifier("AAAA")
        .build();
    assert_eq!(
        error_of(confirm(key, garbage).await).0,
        "InvalidParameterException"
    );
    let zero = DeviceSecretVerifierConfigType::builder()
        .salt("AAECAw==")
        .password_verifier("AA==")
        .build();
    assert_eq!(
        error_of(confirm(key, zero).await).0,
        "InvalidParameterException",
        "a zero verifier proves nothing"
    );
    // Only the key this token's sign-in was given.
    assert_eq!(
        error_of(confirm(UNKNOWN_KEY, device.verifier_config()).await).0,
        "ResourceNotFoundException"
    );
    assert!(
        get_device(&app, access, key).await.is_err(),
        "failed confirmations store nothing"
    );
    let out = confirm(key, device.verifier_config()).await.unwrap();
    assert!(!out.user_confirmation_necessary);
    assert_eq!(
        error_of(confirm(key, device.verifier_config()).await).0,
        "DeviceKeyExistsException"
    );
    let stored = get_device(&app, access, key).await.unwrap();
    assert_eq!(stored.device_key(), Some(key));
    assert_eq!(attribute(&stored, "device_status"), Some("valid"));
    assert_eq!(
        attribute(&stored, "device_remembered_status"),
        Some("remembered")
    );
    assert_eq!(attribute(&stored, "device_name"), Some("phone"));
    let created = stored.device_create_date.unwrap();
    assert_eq!(stored.device_last_modified_date, Some(created));
    assert_eq!(stored.device_last_authenticated_date, Some(created));
}

async fn devices_confirm_on_user_prompt(app: TestApp) {
    let (_, client_id) = tracked_pool(&app, true).await;
    let tokens = tokens_of(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    let metadata = tokens.new_device_metadata.clone().unwrap();
    let device = DeviceSecret::new(
        metadata.device_key().unwrap(),
        metadata.device_group_key().unwrap(),
    );
    let out = app
        .idp
        .confirm_device()
        .access_token(tokens.access_token().unwrap())
        .device_key(&device.device_key)
        .device_secret_verifier_config(device.verifier_config())
        .send()
        .await
        .unwrap();
    assert!(out.user_confirmation_necessary);
    let stored = get_device(&app, tokens.access_token().unwrap(), &device.device_key)
        .await
        .unwrap();
    assert_eq!(
        attribute(&stored, "device_remembered_status"),
        Some("not_remembered")
    );
    assert_eq!(attribute(&stored, "device_name"), None);
    // Not remembered until the user says so: no device sign-in.
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    assert_eq!(out.challenge_name, None);
    app.idp
        .update_device_status()
        .access_token(tokens.access_token().unwrap())
        .device_key(&device.device_key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    let out = password_with_device(&app, &client_id, "alice", &device.device_key).await;
    let session = device_srp_session(&out);
    let done = app
        .device_sign_in(&client_id, "alice", &device, Some(&session))
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
}

async fn devices_list_get_forget_update(app: TestApp) {
    let (_, client_id) = tracked_pool(&app, false).await;
    let first = remembered_device(&app, &client_id).await;
    let tokens = tokens_of(
        password_auth(&app, &client_id, "alice", PASSWORD)
            .await
            .unwrap(),
    );
    app.clock.advance_secs(5);
    let second = remember(&app, &tokens).await;
    let access = tokens.access_token().unwrap();
    let list = |limit: Option<i32>, token: Option<String>| {
        app.idp
            .list_devices()
            .access_token(access)
            .set_limit(limit)
            .set_pagination_token(token)
            .send()
    };
    let all = list(None, None).await.unwrap();
    let keys: Vec<_> = all
        .devices()
        .iter()
        .filter_map(|d| d.device_key())
        .collect();
    assert_eq!(
        keys,
        [first.device_key.as_str(), second.device_key.as_str()]
    );
    assert_eq!(all.pagination_token, None);
    let page = list(Some(1), None).await.unwrap();
    assert_eq!(page.devices().len(), 1);
    assert_eq!(
        page.devices()[0].device_key(),
        Some(first.device_key.as_str())
    );
    let rest = list(Some(1), page.pagination_token.clone()).await.unwrap();
    assert_eq!(
        rest.devices()[0].device_key(),
        Some(second.device_key.as_str())
    );
    assert_eq!(rest.pagination_token, None);
    assert_eq!(
        error_of(list(Some(1), Some("bm90LWEtdG9rZW4".into())).await).0,
        "InvalidParameterException"
    );
    assert_eq!(
        error_of(list(Some(61), None).await).0,
        "InvalidParameterException"
    );

    let update = app
        .idp
        .update_device_status()
        .access_token(access)
        .device_key(UNKNOWN_KEY)
        .device_remembered_status(DeviceRememberedStatusType::NotRemembered)
        .send()
        .await;
    assert_eq!(error_of(update).0, "ResourceNotFoundException");
    assert_eq!(
        get_device(&app, access, UNKNOWN_KEY).await,
        Err("ResourceNotFoundException".into())
    );
    let malformed = get_device(&app, access, "no-underscore").await;
    assert_eq!(malformed, Err("InvalidParameterException".into()));
    app.idp
        .forget_device()
        .access_token(access)
        .device_key(&first.device_key)
        .send()
        .await
        .unwrap();
    let forget_again = app
        .idp
        .forget_device()
        .access_token(access)
        .device_key(&first.device_key)
        .send()
        .await;
    assert_eq!(error_of(forget_again).0, "ResourceNotFoundException");
    let left = list(None, None).await.unwrap();
    assert_eq!(left.devices().len(), 1);
    assert_eq!(
        left.devices()[0].device_key(),
        Some(second.device_key.as_str())
    );
}

async fn devices_admin_operations(app: TestApp) {
    let (pool_id, client_id) = tracked_pool(&app, false).await;
    let first = remembered_device(&app, &client_id).await;
    let second = remembered_device(&app, &client_id).await;
    let admin_list = |token: Option<String>| {
        app.idp
            .admin_list_devices()
            .user_pool_id(&pool_id)
            .username("alice")
            .limit(1)
            .set_pagination_token(token)
            .send()
    };
    let page = admin_list(None).await.unwrap();
    assert_eq!(
        page.devices()[0].device_key(),
        Some(first.device_key.as_str())
    );
    let rest = admin_list(page.pagination_token.clone()).await.unwrap();
    assert_eq!(
        rest.devices()[0].device_key(),
        Some(second.device_key.as_str())
    );
    assert_eq!(rest.pagination_token, None);

    app.idp
        .admin_update_device_status()
        .user_pool_id(&pool_id)
        .username("alice")
        .device_key(&first.device_key)
        .device_remembered_status(DeviceRememberedStatusType::NotRemembered)
        .send()
        .await
        .unwrap();
    let got = app
        .idp
        .admin_get_device()
        .user_pool_id(&pool_id)
        .username("alice")
        .device_key(&first.device_key)
        .send()
        .await
        .unwrap()
        .device
        .unwrap();
    assert_eq!(
        attribute(&got, "device_remembered_status"),
        Some("not_remembered")
    );
    assert!(got.device_last_modified_date >= got.device_create_date);
    let out = password_with_device(&app, &client_id, "alice", &first.device_key).await;
    assert_eq!(
        out.challenge_name, None,
        "not remembered: no device challenge"
    );

    app.idp
        .admin_forget_device()
        .user_pool_id(&pool_id)
        .username("alice")
        .device_key(&first.device_key)
        .send()
        .await
        .unwrap();
    let forgotten = app
        .idp
        .admin_get_device()
        .user_pool_id(&pool_id)
        .username("alice")
        .device_key(&first.device_key)
        .send()
        .await;
    assert_eq!(
        error_of(forgotten),
        (
            "ResourceNotFoundException".into(),
            "Device does not exist.".into()
        )
    );
    let again = app
        .idp
        .admin_forget_device()
        .user_pool_id(&pool_id)
        .username("alice")
        .device_key(&first.device_key)
        .send()
        .await;
    assert_eq!(error_of(again).0, "ResourceNotFoundException");
    // A page token whose last device was forgotten since still continues after it.
    let resumed = admin_list(page.pagination_token).await.unwrap();
    assert_eq!(
        resumed.devices()[0].device_key(),
        Some(second.device_key.as_str())
    );
    let unknown = app
        .idp
        .admin_update_device_status()
        .user_pool_id(&pool_id)
        .username("alice")
        .device_key(UNKNOWN_KEY)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await;
    assert_eq!(error_of(unknown).0, "ResourceNotFoundException");
    let nobody = app
        .idp
        .admin_list_devices()
        .user_pool_id(&pool_id)
        .username("nobody")
        .send()
        .await;
    assert_eq!(error_of(nobody).0, "UserNotFoundException");
    let listed = app
        .idp
        .admin_list_devices()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.devices().len(), 1);
}
