use super::*;

fn dev() -> PasswordHasher {
    PasswordHasher::dev()
}

#[tokio::test]
async fn dev_hash_verifies_right_password_only() {
    let hasher = dev();
    let phc = hasher.hash("Correct horse 1!").await.unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=4096,t=1,p=1$"), "{phc}");
    assert!(hasher.verify("Correct horse 1!", &phc).await.unwrap());
    assert!(!hasher.verify("correct horse 1!", &phc).await.unwrap());
    assert!(!hasher.verify("", &phc).await.unwrap());
}

#[tokio::test]
async fn salts_differ_between_hashes() {
    let hasher = dev();
    let first = hasher.hash("same").await.unwrap();
    let second = hasher.hash("same").await.unwrap();
    assert_ne!(first, second);
}

#[tokio::test]
async fn owasp_is_the_default_profile() {
    assert_eq!(PasswordProfile::default(), PasswordProfile::Owasp);
    let hasher = PasswordHasher::owasp();
    assert_eq!(hasher.profile(), PasswordProfile::Owasp);
    let phc = hasher.hash("pw").await.unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(hasher.verify("pw", &phc).await.unwrap());
}

#[tokio::test]
async fn stored_parameters_win_over_the_current_profile() {
    let old = PasswordHasher::new(PasswordProfile::Custom {
        m_cost_kib: 1024,
        t_cost: 1,
        p_cost: 1,
    })
    .unwrap();
    let phc = old.hash("pw").await.unwrap();
    let current = dev();
    assert!(current.verify("pw", &phc).await.unwrap());
    assert!(current.needs_rehash(&phc));
    assert!(!old.needs_rehash(&phc));
}

#[tokio::test]
async fn malformed_phc_is_an_error_not_a_mismatch() {
    assert!(dev().verify("pw", "not a phc").await.is_err());
}

#[tokio::test]
async fn dummy_verify_runs_a_real_verification() {
    let hasher = dev();
    verify_blocking("anything", &hasher.inner.dummy_phc).unwrap();
    assert!(!verify_blocking("anything", &hasher.inner.dummy_phc).unwrap());
    assert!(
        hasher
            .inner
            .dummy_phc
            .starts_with("$argon2id$v=19$m=4096,t=1,p=1$")
    );
    hasher.dummy_verify("anything").await;
}

#[tokio::test]
async fn bursts_are_bounded_and_all_complete() {
    let hasher = PasswordHasher::with_concurrency(PasswordProfile::Dev, 1).unwrap();
    let jobs: Vec<_> = (0..6)
        .map(|i| {
            let hasher = hasher.clone();
            tokio::spawn(async move { hasher.hash(&format!("pw{i}")).await })
        })
        .collect();
    for job in jobs {
        job.await.unwrap().unwrap();
    }
    // Every job ran on the one hashing thread, none on an async worker or a fresh thread.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let hasher = hasher.clone();
            tokio::spawn(async move {
                hasher
                    .run_blocking(|| std::thread::current().name().map(str::to_string))
                    .await
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.await.unwrap().unwrap().as_deref(), Some("argon2-0"));
    }
}

#[tokio::test]
async fn hash_with_runs_the_extra_step_on_the_hashing_thread() {
    let hasher = PasswordHasher::with_concurrency(PasswordProfile::Dev, 1).unwrap();
    let (phc, (seen, thread)) = hasher
        .hash_with("Correct horse 1!", |password| {
            let thread = std::thread::current().name().map(str::to_string);
            (password.to_string(), thread)
        })
        .await
        .unwrap();
    assert!(hasher.verify("Correct horse 1!", &phc).await.unwrap());
    assert_eq!(seen, "Correct horse 1!");
    assert_eq!(thread.as_deref(), Some("argon2-0"));
}

#[test]
fn invalid_custom_parameters_are_rejected() {
    let profile = PasswordProfile::Custom {
        m_cost_kib: 1,
        t_cost: 0,
        p_cost: 1,
    };
    assert!(PasswordHasher::new(profile).is_err());
}

#[test]
fn profiles_parse_from_config_names() {
    assert_eq!(
        "owasp".parse::<PasswordProfile>().unwrap(),
        PasswordProfile::Owasp
    );
    assert_eq!(
        "DEV".parse::<PasswordProfile>().unwrap(),
        PasswordProfile::Dev
    );
    assert!("fast".parse::<PasswordProfile>().is_err());
}

#[test]
fn named_constructors_match_their_profiles() {
    let fallible = PasswordHasher::new(PasswordProfile::Dev).unwrap();
    assert_eq!(PasswordHasher::dev().inner.params, fallible.inner.params);
    assert_eq!(
        PasswordHasher::dev().inner.dummy_phc,
        fallible.inner.dummy_phc
    );
    let owasp = PasswordHasher::new(PasswordProfile::Owasp).unwrap();
    assert_eq!(PasswordHasher::owasp().inner.params, owasp.inner.params);
}
