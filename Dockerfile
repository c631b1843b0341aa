# Consent service image: build with the .NET 10 SDK, run on the ASP.NET Core runtime.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Docker names the platform's architecture (amd64, arm64); the SDK accepts those names for -a.
ARG TARGETARCH=amd64
WORKDIR /src
COPY . .
# ReadyToRun: methods arrive precompiled, so a start needs about a third less CPU before the
# service is ready (docs/PERFORMANCE.md, P6). Framework-dependent, for the aspnet runtime image.
RUN dotnet publish src/Consent.Web -c Release -a "$TARGETARCH" --self-contained false -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY workflows /app/repo/workflows
COPY templates /app/repo/templates
ENV ASPNETCORE_HTTP_PORTS=8080 \
    CONSENT_REPOSITORY_ROOT=/app/repo \
    CONSENT_DATA_DIR=/data
# The service (not root) writes the signing certificate and development mail here.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Consent.Web.dll"]
