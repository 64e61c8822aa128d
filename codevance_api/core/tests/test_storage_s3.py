"""With AWS_STORAGE_BUCKET_NAME set, static files and uploads go to S3 (moto stands in for it: no network)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

# Run in a fresh process: the storage choice is made when the settings are read.
SCRIPT = """
import json
from moto import mock_aws

with mock_aws():
    import boto3
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="codevance-assets")

    import django
    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.templatetags.static import static

    import io, os, pathlib, sys, time

    assets = pathlib.Path(sys.argv[1])
    (assets / "app.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [str(assets)]

    call_command("collectstatic", "--noinput", verbosity=0)
    first = s3.list_objects_v2(Bucket="codevance-assets", Prefix="static/")["KeyCount"]
    uploaded = s3.head_object(Bucket="codevance-assets", Key="static/app.css")["LastModified"]
    # A fresh build: the file looks newer than its copy on S3, yet its content has not changed.
    time.sleep(1.1)
    (assets / "app.css").write_text("body { color: black; }")
    out = io.StringIO()
    call_command("collectstatic", "--noinput", verbosity=1, stdout=out)
    second_report = out.getvalue().strip().splitlines()[-1]
    again = s3.head_object(Bucket="codevance-assets", Key="static/app.css")["LastModified"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="codevance-assets", Prefix="static/")["Contents"]]
    name = default_storage.save("reports/receipt.txt", ContentFile(b"paid"))
    body = s3.get_object(Bucket="codevance-assets", Key="media/" + name)["Body"].read().decode()
    print(json.dumps({
        "first": first, "keys": keys, "second_report": second_report, "reuploaded": again != uploaded,
        "media": name, "body": body,
        "static_url": static("admin/css/base.css"), "media_url": default_storage.url(name),
        "backend": settings.STORAGES["staticfiles"]["BACKEND"],
    }))
"""


def test_static_and_media_go_to_the_s3_bucket(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "DJANGO_SETTINGS_MODULE": "codevance_api.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "AWS_STORAGE_BUCKET_NAME": "codevance-assets",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(assets)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["backend"] == "storages.backends.s3.S3Storage"
    assert out["first"] > 0
    assert "static/admin/css/base.css" in out["keys"]
    assert len(out["keys"]) == out["first"]
    # collectfast: a second collectstatic uploads nothing that has not changed.
    assert out["second_report"].startswith("0 static files copied")
    assert out["reuploaded"] is False
    assert out["body"] == "paid"
    assert out["static_url"].startswith("https://codevance-assets.s3.")
    assert out["static_url"].endswith("/static/admin/css/base.css")
    assert "?" not in out["static_url"]  # public assets: no signed query string
    assert "/media/reports/receipt" in out["media_url"]
    assert "X-Amz-Signature=" in out["media_url"]  # uploads are private: signed, expiring URLs
