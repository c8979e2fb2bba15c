//! The pool's UI customization (CSS and logo) as chromium renders it.

use aws_sdk_cognitoidentityprovider::primitives::Blob;
use cognate_testkit::PASSWORD;
use fantoccini::Locator;
use serde_json::json;

use crate::{Journey, Setup, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_customization_in_chromium() {
    let options = Setup {
        name: "ui-customization",
        ..Setup::default()
    };
    run(options, customization_journey).await;
}

const BUTTON_COLOUR: &str = "rgba(200, 30, 90, 1)";
const BACKGROUND_COLOUR: &str = "rgba(20, 40, 60, 1)";

/// SetUICustomization's CSS and logo, as the browser renders them: the classes AWS names
/// (`submitButton-customizable`, `background-customizable`) take the pool's CSS over the page's
/// own, and the logo image loads.
async fn customization_journey(j: &Journey) -> Result<(), String> {
    j.app
        .idp
        .create_user_pool_domain()
        .user_pool_id(&j.pool_id)
        .domain("browser-branding")
        .send()
        .await
        .unwrap();
    let css = ".submitButton-customizable { background-color: rgb(200, 30, 90); }\n\
               .background-customizable { background-color: rgb(20, 40, 60); }\n\
               .label-customizable { color: rgb(200, 30, 90); }";
    j.app
        .idp
        .set_ui_customization()
        .user_pool_id(&j.pool_id)
        .client_id("ALL")
        .css(css)
        .image_file(Blob::new(logo_png()))
        .send()
        .await
        .unwrap();
    j.client.goto(&j.authorize_url()).await.unwrap();
    j.shot("sign-in-customized").await;
    let button = j
        .client
        .find(Locator::Css("button.submitButton-customizable"))
        .await
        .unwrap();
    let colour = button.css_value("background-color").await.unwrap();
    if colour != BUTTON_COLOUR {
        return Err(format!(
            "the button is {colour}, not the pool's {BUTTON_COLOUR}"
        ));
    }
    let body = j.client.find(Locator::Css("body")).await.unwrap();
    assert_eq!(
        body.css_value("background-color").await.unwrap(),
        BACKGROUND_COLOUR
    );
    // A loaded image has its natural size (a broken one has 0).
    let width = j
        .client
        .execute(
            "return document.querySelector('img.logo-customizable').naturalWidth",
            Vec::new(),
        )
        .await
        .unwrap();
    if width != json!(96) {
        return Err(format!("the logo did not load: naturalWidth {width}"));
    }
    j.sign_in("alice", PASSWORD).await;
    j.exchange_callback().await;
    Ok(())
}

/// A 96x32 PNG logo: three colour bands (stored deflate blocks, so no image library is needed).
fn logo_png() -> Vec<u8> {
    let (width, height) = (96u32, 32u32);
    // Each row: filter type 0 (none), then its pixels.
    let row: Vec<u8> = std::iter::once(0u8)
        .chain((0..width).flat_map(|x| match x * 3 / width {
            0 => [200, 30, 90],
            1 => [255, 255, 255],
            _ => [20, 40, 60],
        }))
        .collect();
    let raw = row.repeat(height as usize);
    let mut zlib = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(chunk);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    for (kind, data) in [(b"IHDR", header), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(&data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    png
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
