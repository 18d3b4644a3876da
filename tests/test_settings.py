import pytest

from tempmail.settings import ConfigError, Settings
from tests.conftest import TEST_ENV


def test_lists_accept_json_comma_and_real_lists():
    as_json = Settings.from_env({**TEST_ENV, "DOMAINS": '["A.com", "b.org"]'})
    as_comma = Settings.from_env({**TEST_ENV, "DOMAINS": "a.com, b.org"})
    as_list = Settings.from_env({**TEST_ENV, "DOMAINS": ["a.com", "b.org"]})
    assert as_json.domains == as_comma.domains == as_list.domains == ("a.com", "b.org")


def test_default_domains_fall_back_to_all_domains():
    settings = Settings.from_env(TEST_ENV)
    assert settings.default_domains == ("example.com", "example.org")
    narrowed = Settings.from_env({**TEST_ENV, "DEFAULT_DOMAINS": "example.org"})
    assert narrowed.default_domains == ("example.org",)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("DOMAINS", "", "at least one mail domain"),
        ("DOMAINS", "[not json", "not a valid JSON array"),
        ("DOMAINS", '{"a": 1}', "not a domain name"),
        ("DOMAINS", "[1]", "must be a string"),
        ("DOMAINS", '"example.com"', "not a domain name"),
        ("JWT_SECRET", "short", "at least 32 characters"),
        ("DEFAULT_DOMAINS", "other.net", "not in DOMAINS"),
        ("MAX_MESSAGE_SIZE", "big", "whole number"),
        ("MIN_ADDRESS_LEN", "0", "at least 1"),
        ("ADMIN_PASSWORDS", "[1, 2]", "must be a string"),
        ("SMTP_CONFIG", "[]", "expected a JSON object"),
        ("SMTP_CONFIG", "{oops", "not a valid JSON object"),
        ("SMTP_CONFIG", '{"example.com": {"port": 25}}', "'host' is required"),
        ("SMTP_CONFIG", '{"example.com": {"host": "h", "port": 70000}}', "'port'"),
        ("SMTP_CONFIG", '{"example.com": {"host": "h", "secure": "yes"}}', "'secure'"),
        ("SMTP_CONFIG", '{"example.com": {"host": "h", "user": "u"}}', "both a user name and a password"),
        ("SMTP_CONFIG", '{"other.net": {"host": "h"}}', "not in DOMAINS"),
        ("DEFAULT_SEND_BALANCE", "-1", "at least 0"),
    ],
)
def test_bad_values_raise_config_error_naming_the_setting(key, value, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        Settings.from_env({**TEST_ENV, key: value})
    assert key in str(info.value)


def test_domain_check_ignores_case():
    settings = Settings.from_env(TEST_ENV)
    assert settings.accepts_domain("EXAMPLE.com")
    assert not settings.accepts_domain("example.net")


def test_smtp_config_takes_the_original_shape_and_defaults_the_port():
    settings = Settings.from_env(
        {
            **TEST_ENV,
            "SMTP_CONFIG": '{"Example.com": {"host": "smtp.example.net", "port": 465, "secure": true, '
            '"credentials": {"username": "u", "password": "p"}}, "*": {"host": "relay.local"}}',
        }
    )
    primary, fallback = settings.smtp_config["example.com"], settings.smtp_config["*"]
    assert (primary.host, primary.port, primary.secure, primary.username, primary.password) == (
        "smtp.example.net",
        465,
        True,
        "u",
        "p",
    )
    assert (fallback.port, fallback.secure, fallback.username) == (587, False, "")


def test_send_lists_are_lower_cased():
    settings = Settings.from_env(
        {**TEST_ENV, "SEND_BLOCK_LIST": "Spam.Example", "NO_LIMIT_SEND_ADDRESS_LIST": '["Boss@Example.com"]'}
    )
    assert settings.send_block_list == ("spam.example",)
    assert settings.no_limit_send_address_list == ("boss@example.com",)
