#!/usr/bin/env bash
# Spirit (a Django forum) on this machine, for `make bench BENCH_ARGS=--compare-spirit`:
# its topic page with 50 comments, read by a signed-in user, served as Spirit documents
# (gunicorn, 2 workers, SQLite), beside our member story page in the same run.
#
#   bash bench/spirit.sh setup        # venv + django-spirit + gunicorn from PyPI, a project,
#                                     # one topic with 50 comments (bench/var/spirit, not kept in git)
#   bash bench/spirit.sh serve PORT   # gunicorn --workers 2 on 127.0.0.1:PORT (foreground)
#   bash bench/spirit.sh url PORT     # the topic page's URL
#   bash bench/spirit.sh cookie       # the signed-in user's session cookie (for wrk -H)
#
# Spirit's own view counter writes on every topic view (as STACK.md notes); that is part of
# what it costs, so it is left on.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="$BENCH_DIR/var/spirit"
VENV="$BENCH_DIR/var/spirit-venv"
SITE="$HOME_DIR/site_bench"
SPIRIT_VERSION="0.14.3"
export DJANGO_SETTINGS_MODULE=site_bench.settings.bench

manage() { (cd "$SITE" && "$VENV/bin/python" manage.py "$@"); }

setup() {
  if [[ ! -x "$VENV/bin/gunicorn" ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "django-spirit==$SPIRIT_VERSION" gunicorn
  fi
  if [[ ! -f "$SITE/manage.py" ]]; then
    mkdir -p "$HOME_DIR"
    (cd "$HOME_DIR" && PATH="$VENV/bin:$PATH" "$VENV/bin/spirit" startproject site_bench)
  fi
  cat >"$SITE/site_bench/settings/bench.py" <<'EOF'
# Spirit's production settings, on SQLite beside this file, reachable on 127.0.0.1.
from .prod import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(BASE_DIR, "bench.sqlite3")}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
EOF
  manage migrate --noinput >/dev/null
  manage createcachetable >/dev/null
  manage collectstatic --noinput >/dev/null  # the pages link the hashed static files
  manage shell -c "$(cat <<'EOF'
from django.contrib.auth import get_user_model
from spirit.category.models import Category
from spirit.comment.models import Comment
from spirit.topic.models import Topic
from spirit.core.utils.markdown import Markdown
from djconfig.models import Config

# 50 comments a page, like our story page (Spirit's default is 20; its admin sets this).
Config.objects.update_or_create(key="comments_per_page", defaults={"value": "50"})

User = get_user_model()
user, _ = User.objects.get_or_create(username="bench_reader", defaults={"email": "r@example.com"})
user.set_password("bench-reader-password"); user.save()
writer, _ = User.objects.get_or_create(username="bench_writer", defaults={"email": "w@example.com"})
category, _ = Category.objects.get_or_create(title="Bench", defaults={"slug": "bench"})
topic = Topic.objects.filter(title="A story with 50 replies").first()
if topic is None:
    topic = Topic.objects.create(user=writer, category=category, title="A story with 50 replies")
    md = Markdown()
    text = ("Some *kind* words about a hard day, a list:\n\n- one\n- two\n\n" + "A sentence. " * 40)
    for n in range(51):
        Comment.objects.create(user=writer if n % 2 else user, topic=topic,
                               comment=text, comment_html=md.render(text))
    topic.comment_count = 51; topic.save()
print(topic.pk)
EOF
)" | tail -n 1 >"$HOME_DIR/topic_id"
  echo "spirit: topic $(cat "$HOME_DIR/topic_id") ready in $HOME_DIR" >&2
}

case "${1:-}" in
  setup) setup ;;
  serve)
    [[ -f "$SITE/site_bench/settings/bench.py" ]] || setup >&2
    cd "$SITE" && exec "$VENV/bin/gunicorn" site_bench.wsgi --workers 2 \
      --bind "127.0.0.1:${2:?port}" --log-level warning ;;
  url)
    topic="$(cat "$HOME_DIR/topic_id")"
    echo "http://127.0.0.1:${2:?port}/topic/$topic/a-story-with-50-replies/" ;;
  cookie)
    manage shell -c "$(cat <<'EOF'
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(username="bench_reader")
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "spirit.user.auth.backends.UsernameAuthBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print(f"sessionid={s.session_key}")
EOF
)" | tail -n 1 ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
