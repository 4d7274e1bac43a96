FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY hotline ./hotline
COPY tickets ./tickets
COPY scoring ./scoring
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=false SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "hotline.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
