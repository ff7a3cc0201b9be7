from django.conf import settings

from conftest import TEST_PORT


def test_settings_point_at_the_test_emulator() -> None:
    assert f"http://127.0.0.1:{TEST_PORT}" == settings.AWS_ENDPOINT_URL
    assert settings.AWS_RESOURCES.table == "blog-test-table"
    assert settings.STORAGES["default"]["OPTIONS"]["bucket_name"] == "blog-test-media"
