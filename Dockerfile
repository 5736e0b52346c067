FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md manage.py ./
COPY keeptrusts keeptrusts
COPY apps apps
COPY templates templates
COPY static static
COPY examples examples
RUN pip install --no-cache-dir .
EXPOSE 8000 41002
