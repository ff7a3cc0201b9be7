from cloud.resources import TABLE_DEFINITION, ResourceNames


def test_names_derive_from_the_prefix() -> None:
    names = ResourceNames.from_environment({"RESOURCE_PREFIX": "blog-production"})
    assert names.table == "blog-production-table"
    assert names.media_bucket == "blog-production-media"
    assert names.glue_database == "blog_production_analytics"  # Glue refuses hyphens


def test_each_name_can_be_overridden() -> None:
    names = ResourceNames.from_environment({"RESOURCE_PREFIX": "x", "TABLE_NAME": "legacy-table"})
    assert names.table == "legacy-table"
    assert names.lake_bucket == "x-lake"


def test_the_table_streams_both_images_and_indexes_latest_and_owner() -> None:
    assert TABLE_DEFINITION["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert [index["IndexName"] for index in TABLE_DEFINITION["GlobalSecondaryIndexes"]] == ["gsi1", "gsi2"]
