"""The compose smoke test's client: boto3 against Cognate in a container, the mail catcher's
REST API (maildev: GET /email) for the confirmation code that Cognate delivered by SMTP."""

import argparse
import json
import re
import time
import urllib.request
import uuid

import boto3


# A SAML IdP's metadata with a self-signed signing certificate (openssl req -x509, CN
# compose-smoke-idp, 100 years): creating the provider runs the image's cognate-saml helper.
SAML_CERTIFICATE = (
    "MIIDGzCCAgOgAwIBAgIUX4w0UPfbqaRPw5sdMKA1HGy6V54wDQYJKoZIhvcNAQELBQAwHDEaMBgG"
    "A1UEAwwRY29tcG9zZS1zbW9rZS1pZHAwIBcNMjYxMjA2MTEyMTE2WhgPMjEyNjExMTIxMTIxMTZa"
    "MBwxGjAYBgNVBAMMEWNvbXBvc2Utc21va2UtaWRwMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB"
    "CgKCAQEAqDEg+XLcPoOEA86G8VwcL3sR3uz1E+NPZiBr5a2HWOAWSUVRQh8Wvo/TwXGnA0DOUzm1"
    "ac/bOm7j2dZNRbeWM7WJe7Vk+WNzeA6FRPJbssQAU6xlUy646mhZwjOUTd82yL/N5ibAwecURegF"
    "zDu/ngdOEbDFDqHj19dVrL+CSG5wHZ3BemySRawUar8BBwIjW62/uvIDctzHkN2VrkyNmtpeEq6x"
    "zANp9Cmugik/FQQGsULkoZtOj+w0Yn5kT5kE08MrP71zSHn5NXM395xHeUpzUuOCrkwDohS+zxwd"
    "nI5EAv+Bybym2GwuPqEINJTxA/dK3/UeDHweqBdXoppX4wIDAQABo1MwUTAdBgNVHQ4EFgQUr+dH"
    "FOQB8r/a0Iy2klENYApucQQwHwYDVR0jBBgwFoAUr+dHFOQB8r/a0Iy2klENYApucQQwDwYDVR0T"
    "AQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAQlFOXMj76R1mazXrbh0p5KgyKVjeYpU43+El"
    "ZA1lNxsGAwZ9146w6F3lmW6LBj0FRNlFqCXSz03fjxjnqxNBhG5VhV4NaZUas+aQR4PmKfZzfEC9"
    "qJWWGUuU457COURMz9rNXdx5+idnMbj3ZHQ9pYuSltpZuRrZQy7PD8zNvFMoj3iXQSj6c0A+nvdX"
    "YkpbjlptREr8z3Jp+447yDbkXjJWBX+SHg+UpGw77HElutFk1lRVJoVVaPE/5B0lk1zIsZMsaAfw"
    "cEnbrDOP841Xd5RarAn54l5ZMGIJGwuEChZwtnWpZEjHsX5XEe9R3rAjOIoY9+CvEGDii3CN7xz9"
    "TQ=="
)
SAML_METADATA = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID="https://idp.smoke.example/metadata">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{SAML_CERTIFICATE}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.smoke.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--mail", required=True)
    args = parser.parse_args()

    idp = boto3.client(
        "cognito-idp",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDSMOKE",
        aws_secret_access_key="smoke",
    )
    pool = idp.create_user_pool(PoolName="smoke", AutoVerifiedAttributes=["email"])["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="smoke",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]

    email = f"smoke-{uuid.uuid4().hex[:8]}@example.test"
    password = "Smoke-Test-Passw0rd!"
    idp.sign_up(
        ClientId=client["ClientId"],
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    code = wait_for_code(args.mail, email)
    print(f"confirmation code arrived by SMTP for {email}")

    idp.confirm_sign_up(ClientId=client["ClientId"], Username=email, ConfirmationCode=code)
    tokens = idp.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]
    user = idp.get_user(AccessToken=tokens["AccessToken"])
    assert user["Username"] == email or any(
        a["Name"] == "email" and a["Value"] == email for a in user["UserAttributes"]
    ), user
    print("confirmed and signed in:", user["Username"])

    idp.create_identity_provider(
        UserPoolId=pool["Id"],
        ProviderName="SmokeSaml",
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": SAML_METADATA},
    )
    described = idp.describe_identity_provider(UserPoolId=pool["Id"], ProviderName="SmokeSaml")
    details = described["IdentityProvider"]["ProviderDetails"]
    assert details["SSORedirectBindingURI"] == "https://idp.smoke.example/sso", details
    print("SAML metadata read by the cognate-saml helper")


def wait_for_code(mail_url, recipient, timeout=30.0):
    """The six-digit code of the newest message to `recipient` in the mail catcher."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{mail_url}/email", timeout=5) as response:
            messages = json.load(response)
        for message in reversed(messages):
            if any(to.get("address") == recipient for to in message.get("to", [])):
                text = message.get("text") or message.get("html") or ""
                match = re.search(r"\b(\d{6})\b", text)
                if match:
                    return match.group(1)
        time.sleep(0.5)
    raise SystemExit(f"no confirmation code for {recipient} reached the mail catcher")


if __name__ == "__main__":
    main()
