from forum.passwords import (
    PASSWORD_MIN,
    common_passwords,
    hash_password,
    needs_rehash,
    password_problem,
    use_fast_hashing,
    verify_password,
)


def test_bundled_list_has_at_least_ten_thousand_common_passwords():
    assert len(common_passwords()) >= 10_000


def test_common_passwords_are_refused_whatever_their_case():
    assert "too common" in password_problem("Password123")
    assert "too common" in password_problem("qwertyuiop")


def test_short_passwords_are_refused_and_long_plain_ones_are_fine():
    assert str(PASSWORD_MIN) in password_problem("short")
    assert password_problem("kettle orchard lantern") is None
    assert password_problem("alllowercaseletters") is None  # no composition rules


def test_password_equal_to_username_is_refused():
    assert password_problem("wrenthewriter", username="WrenTheWriter") is not None


async def test_hashes_are_argon2id_and_verify():
    hashed = await hash_password("kettle orchard lantern")
    assert hashed.startswith("$argon2id$")
    assert await verify_password(hashed, "kettle orchard lantern")
    assert not await verify_password(hashed, "kettle orchard lanterns")
    assert not await verify_password("not a hash", "anything at all")


async def test_hash_from_cheaper_parameters_needs_rehash_under_standard_profile():
    use_fast_hashing(True)
    try:
        cheap = await hash_password("kettle orchard lantern")
    finally:
        use_fast_hashing(False)
    try:
        assert needs_rehash(cheap)
    finally:
        use_fast_hashing(True)
