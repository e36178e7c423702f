"""gunicorn's settings for a deployment: `gunicorn -c python:alliance.gunicorn_conf
alliance.wsgi`. gunicorn sits behind the buffering proxy (docker-compose.yml), which holds slow
clients so that no sync worker waits for one."""

logger_class = "alliance.log_masking.AccessLogger"
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
