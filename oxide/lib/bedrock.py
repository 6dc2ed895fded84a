"""`BedrockOpenAI` / `AsyncBedrockOpenAI`: the official SDK's clients for Amazon Bedrock's
OpenAI-compatible endpoint (`openai/lib/bedrock.py`, with its `bedrock()` provider rules).

Same constructor, environment variables (`AWS_BEARER_TOKEN_BEDROCK`, `AWS_REGION`,
`AWS_DEFAULT_REGION`, `AWS_BEDROCK_BASE_URL`, and botocore's credential chain), base URL
derivation (`https://bedrock-mantle.{region}.api.aws/openai/v1`; a `bedrock-runtime` host signs
for the `bedrock` service), errors and `with_options` / `copy` rules as the SDK. Two auth modes:

* bearer (`api_key`, `bedrock_token_provider`, `AWS_BEARER_TOKEN_BEDROCK`): an `Authorization`
  header, precomputed into the client's static headers like any other client's (a token
  provider is called once per call, in `_request`, as Azure's is);
* AWS SigV4 (static keys, a profile, a credentials provider or botocore's default chain), with
  botocore as an optional dependency (`pip install 'oxide-openai[bedrock]'`, or `pip install botocore`):
  each attempt is signed over the bytes it sends. The client's session holder is wrapped so the
  engine's `session._request(...)` of a SigV4 client goes through `_SigningSession`, which builds
  the final URL (query included, strictly percent-encoded), buffers the body (JSON bytes, or a
  multipart payload rendered once per attempt), signs method, URL, headers and body with a
  fresh timestamp, and sends exactly that, without following redirects. The engine's request
  path is not touched: the other clients pay nothing for this.

Blocking credential work (botocore's default chain, a refresh, a `aws_credentials_provider`)
runs in the loop's default executor; signing with already-resolved credentials is inline.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import importlib
import inspect
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, cast
from urllib.parse import quote

import aiohttp
import msgspec
from aiohttp.payload import Payload
from yarl import URL

from .._client import AsyncOpenAI, OpenAI
from .._constants import DEFAULT_CONNECTION_LIMIT, DEFAULT_MAX_RETRIES
from .._exceptions import OpenAIError
from .._options import NO_OPTIONS, RequestOptions
from .._sync import SyncRunner
from .._transport._clock import Clock
from .._transport._session import SessionHolder
from .._types import NOT_GIVEN, NotGiven, Omit, Timeout
from .._version import __version__

__all__ = [
    "AsyncBedrockOpenAI",
    "AsyncBedrockTokenProvider",
    "AwsCredentialsProvider",
    "BedrockOpenAI",
    "BedrockTokenProvider",
]

BedrockTokenProvider = Callable[[], str]
AsyncBedrockTokenProvider = Callable[[], "str | Awaitable[str]"]
AwsCredentialsProvider = Callable[[], object]
BedrockEndpoint = Literal["mantle", "runtime"]

# -- the SDK's messages ------------------------------------------------------------------------
_AMBIGUOUS = (
    "Bedrock authentication is ambiguous. Configure exactly one explicit mode: bearer credential, "
    "static AWS credentials, profile, or credential provider."
)
_AMBIGUOUS_AWS = (
    "Bedrock authentication is ambiguous. Configure exactly one explicit AWS mode: static "
    "credentials, profile, or credential provider."
)
_NEEDS_REGION = (
    "Bedrock requires an AWS region. Pass `region` to `bedrock(...)`, or set `AWS_REGION` or "
    "`AWS_DEFAULT_REGION`."
)
_NO_CREDENTIALS = (
    "Could not find credentials for Bedrock. Pass a bearer credential or AWS credentials to "
    "`bedrock(...)`, set `AWS_BEARER_TOKEN_BEDROCK`, or configure the default AWS credential chain."
)
_CREDENTIALS_FAILED = (
    "Failed to resolve AWS credentials for Bedrock. Verify your AWS profile, environment "
    "variables, or runtime identity configuration and try again."
)
_NEEDS_BOTOCORE = (
    "Bedrock AWS authentication requires optional AWS dependencies. Install them with "
    "`pip install 'oxide-openai[bedrock]'` (or `pip install botocore`) and try again."
)
_CUSTOM_AUTHORIZATION = (
    "Bedrock provider authentication cannot be combined with a custom `Authorization` header."
)
_NOT_REPLAYABLE = (
    "Bedrock SigV4 authentication requires a replayable request body. "
    "Buffer the body before sending or use bearer authentication."
)
_CALLABLE_API_KEY = (
    "Pass refreshable Bedrock credentials via `bedrock_token_provider`, not `api_key`."
)

_AWS_REGION = re.compile(r"^[a-z]{2,8}(?:-[a-z0-9]+)+-\d+$")
_RESPONSES_SUFFIX = re.compile(r"/responses(?:/.*)?$")
_AWS_SIGNING_HEADERS = frozenset(
    {"authorization", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token", "host"}
)


# -- endpoints and regions (the SDK's `openai/providers/bedrock.py`) ----------------------------
def _strip(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _normalize_base_url(base_url: str | URL) -> URL:
    url = URL(str(base_url).strip())
    path = url.raw_path.rstrip("/")
    match = _RESPONSES_SUFFIX.search(path)
    if match is not None:
        path = path[: match.start()]
    return url.with_path(path or "/", encoded=True)


def _runtime_dns_suffixes(region: str) -> tuple[str, str]:
    if region.startswith("cn-"):
        return "amazonaws.com.cn", "api.amazonwebservices.com.cn"
    if region.startswith("eusc-"):
        return "amazonaws.eu", "api.amazonwebservices.eu"
    if region.startswith("us-iso-"):
        return "c2s.ic.gov", "api.aws.ic.gov"
    if region.startswith("us-isob-"):
        return "sc2s.sgov.gov", "api.aws.scloud"
    if region.startswith("eu-isoe-"):
        return "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"
    if region.startswith("us-isof-"):
        return "csp.hci.ic.gov", "api.aws.hci.ic.gov"
    return "amazonaws.com", "api.aws"


def _parse_endpoint_host(host: str | None) -> tuple[BedrockEndpoint, str] | None:
    """("mantle" | "runtime", region) of a canonical Bedrock hostname, else None."""
    service, separator, remainder = (host or "").removesuffix(".").lower().partition(".")
    region, region_separator, suffix = remainder.partition(".")
    if not separator or not region_separator or _AWS_REGION.fullmatch(region) is None:
        return None
    if service == "bedrock-mantle" and suffix == "api.aws":
        return "mantle", region
    if service in {"bedrock-runtime", "bedrock-runtime-fips"} and suffix in _runtime_dns_suffixes(
        region
    ):
        return "runtime", region
    return None


def _validate_region(region: str | None) -> None:
    if region is not None and _AWS_REGION.fullmatch(region) is None:
        raise OpenAIError(
            "The Bedrock AWS `region` is invalid. Use a standard AWS region such as `us-east-1`."
        )


def _validate_canonical_endpoint(
    base_url: URL, *, endpoint: BedrockEndpoint, region: str | None
) -> None:
    canonical = _parse_endpoint_host(base_url.host)
    if canonical is None:
        return
    family, canonical_region = canonical
    if base_url.scheme != "https":
        raise OpenAIError("Canonical Amazon Bedrock endpoints require HTTPS.")
    if family != endpoint:
        raise OpenAIError(
            f"The Bedrock {family} hostname does not match the selected `{endpoint}` endpoint. "
            f"Set `endpoint='{family}'` to use this hostname."
        )
    if region is not None and canonical_region != region:
        raise OpenAIError(
            f"The Bedrock endpoint region `{canonical_region}` does not match the configured "
            f"AWS region `{region}`."
        )


def _default_base_url(endpoint: BedrockEndpoint, region: str) -> URL:
    if endpoint == "runtime":
        host = f"bedrock-runtime.{region}.{_runtime_dns_suffixes(region)[0]}"
    else:
        host = f"bedrock-mantle.{region}.api.aws"
    return _normalize_base_url(f"https://{host}/openai/v1")


# -- SigV4 ---------------------------------------------------------------------------------------
def _load_botocore() -> tuple[Any, Any, Any, Any]:
    """(SigV4Auth, AWSRequest, Credentials, Session), imported on first use: botocore is an
    optional dependency that `import oxide` never loads."""
    try:
        auth = importlib.import_module("botocore.auth")
        awsrequest = importlib.import_module("botocore.awsrequest")
        credentials = importlib.import_module("botocore.credentials")
        session = importlib.import_module("botocore.session")
    except ImportError as exc:
        raise OpenAIError(_NEEDS_BOTOCORE) from exc
    return auth.SigV4Auth, awsrequest.AWSRequest, credentials.Credentials, session.Session


def _new_session(session_cls: Any, profile: str | None) -> Any:
    try:
        return session_cls(profile=profile)
    except Exception as exc:
        raise OpenAIError(_CREDENTIALS_FAILED) from exc


def _region_from_session(session: Any) -> str:
    """The SDK's `resolve_aws_region_with_source` once the environment gave nothing."""
    try:
        region = session.get_config_variable("region")
    except Exception as exc:
        raise OpenAIError(_CREDENTIALS_FAILED) from exc
    if not isinstance(region, str) or not region.strip():
        raise OpenAIError(_NEEDS_REGION)
    return region.strip()


class _SigV4:
    """What signs one client's requests (shared by the copies that keep its auth): the region
    and service, and where its credentials come from."""

    def __init__(
        self,
        *,
        region: str,
        service: str,
        profile: str | None,
        access_key_id: str | None,
        secret_access_key: str | None,
        session_token: str | None,
        credentials_provider: AwsCredentialsProvider | None,
        session: Any = None,
    ) -> None:
        self.region = region
        self.service = service
        self.profile = profile
        self._static = (
            (access_key_id, secret_access_key, session_token)
            if access_key_id is not None and secret_access_key is not None
            else None
        )
        self._provider = credentials_provider
        self._session = session
        self._botocore: tuple[Any, Any, Any, Any] | None = None
        self._frozen_static: Any = None
        self._chain: Any = None  # botocore's credentials object from the session, once found
        # The module client turns signing off while `oxide.api_key` overrides it.
        self.active = True

    def _modules(self) -> tuple[Any, Any, Any, Any]:
        modules = self._botocore
        if modules is None:
            modules = self._botocore = _load_botocore()
        return modules

    def _resolve_chain(self) -> Any:
        """Blocking: botocore's credential chain (files, SSO, IMDS, ...), or a refresh."""
        try:
            if self._chain is None:
                if self._session is None:
                    self._session = _new_session(self._modules()[3], self.profile)
                self._chain = self._session.get_credentials()
                if self._chain is None:
                    raise OpenAIError(_NO_CREDENTIALS)
            return _frozen(self._chain)
        except OpenAIError:
            raise
        except Exception as exc:
            raise OpenAIError(_CREDENTIALS_FAILED) from exc

    def _call_provider(self) -> Any:
        assert self._provider is not None
        try:
            credentials = self._provider()
            if credentials is None:
                raise OpenAIError(_NO_CREDENTIALS)
            return _frozen(credentials)
        except OpenAIError:
            raise
        except Exception as exc:
            raise OpenAIError(_CREDENTIALS_FAILED) from exc

    async def credentials(self) -> Any:
        if self._static is not None:
            frozen = self._frozen_static
            if frozen is None:
                credentials_cls = self._modules()[2]
                frozen = self._frozen_static = credentials_cls(*self._static)
            return frozen
        self._modules()  # a missing botocore is reported here, not from a worker thread
        loop = asyncio.get_running_loop()
        if self._provider is not None:
            return await loop.run_in_executor(None, self._call_provider)
        chain = self._chain
        if chain is not None and not _refresh_needed(chain):
            return _frozen(chain)
        return await loop.run_in_executor(None, self._resolve_chain)

    async def sign(
        self, method: str, url: URL, headers: Mapping[str, str], body: bytes
    ) -> dict[str, str]:
        """`headers` plus Host, X-Amz-Content-SHA256, X-Amz-Date, X-Amz-Security-Token and
        Authorization for this exact request."""
        canonical = _parse_endpoint_host(url.host)
        if canonical is not None:
            endpoint, region = canonical
            expected = "runtime" if self.service == "bedrock" else "mantle"
            if endpoint != expected:
                raise OpenAIError(
                    f"The Bedrock {endpoint} hostname does not match the selected `{expected}` "
                    "endpoint."
                )
            if region != self.region:
                raise OpenAIError(
                    f"The Bedrock endpoint region `{region}` does not match the SigV4 region "
                    f"`{self.region}`."
                )
        credentials = await self.credentials()
        sigv4_cls, request_cls = self._modules()[:2]
        to_sign = {k: v for k, v in headers.items() if k.lower() not in _AWS_SIGNING_HEADERS}
        # The Host aiohttp would send, set here so that what is signed is what is sent.
        to_sign["Host"] = _host_header(url)
        to_sign["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
        try:
            request = request_cls(method=method, url=str(url), data=body, headers=to_sign)
            sigv4_cls(credentials, self.service, self.region).add_auth(request)
        except Exception as exc:
            raise OpenAIError(_CREDENTIALS_FAILED) from exc
        return dict(request.headers.items())


def _frozen(credentials: Any) -> Any:
    get_frozen = getattr(credentials, "get_frozen_credentials", None)
    return get_frozen() if callable(get_frozen) else credentials


def _refresh_needed(credentials: Any) -> bool:
    refresh_needed = getattr(credentials, "refresh_needed", None)
    return bool(refresh_needed()) if callable(refresh_needed) else False


def _host_header(url: URL) -> str:
    host = (url.raw_host or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if url.explicit_port is not None and not url.is_default_port():
        host = f"{host}:{url.port}"
    return host


def _quote(value: str) -> str:
    return quote(value, safe="-_.~")


def _with_query(url: URL, params: Any) -> URL:
    """`url` with the call's query, percent-encoded as SigV4 canonicalizes it (RFC 3986
    unreserved characters only), so the signed query is byte for byte the sent one."""
    items = params.items() if isinstance(params, Mapping) else params
    query = "&".join(f"{_quote(str(k))}={_quote(str(v))}" for k, v in items)
    if not query:
        return url
    separator = "&" if url.raw_query_string else "?"
    return URL(str(url) + separator + query, encoded=True)


class _SigningSession:
    """An aiohttp session as the engine uses it, signing each `_request` (each attempt)."""

    __slots__ = ("_session", "_signer")

    def __init__(self, session: aiohttp.ClientSession, signer: _SigV4) -> None:
        self._session = session
        self._signer = signer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    async def _request(
        self,
        method: str,
        url: URL,
        *,
        data: Any = None,
        headers: Mapping[str, str],
        params: Any = None,
        **kwargs: Any,
    ) -> aiohttp.ClientResponse:
        signer = self._signer
        if not signer.active:
            return await self._session._request(
                method, url, data=data, headers=headers, params=params, **kwargs
            )
        if params:
            url = _with_query(url, params)
        body: bytes
        if data is None:
            body = b""
        elif isinstance(data, (bytes, bytearray, memoryview)):
            body = bytes(data)
        elif isinstance(data, Payload):
            # A multipart upload: rendered once for this attempt (its Content-Type carries the
            # boundary), so the signature covers it.
            if not any(k.lower() == "content-type" for k in headers):
                headers = {**headers, "Content-Type": data.content_type}
            body = await data.as_bytes()
        else:
            raise OpenAIError(_NOT_REPLAYABLE)
        signed = await signer.sign(method, url, headers, body)
        return await self._session._request(
            method,
            url,
            data=body if data is not None else None,
            headers=signed,
            allow_redirects=False,  # a redirect target must be signed anew: the SDK's rule
            **kwargs,
        )


class _SigningHolder:
    """A client's session holder whose sessions sign (everything else is the holder's)."""

    def __init__(self, holder: SessionHolder, signer: _SigV4) -> None:
        self._inner = holder
        self._signer = signer

    def get(self) -> _SigningSession:
        return _SigningSession(self._inner.get(), self._signer)

    def sender(self) -> Any:
        # Signed requests go through aiohttp: each attempt is signed, redirects are not
        # followed, and the fast lane has no hook for either.
        return self.get()._request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


# -- resolving a configuration (the SDK's `_legacy_provider` + `bedrock()` + `configure()`) -----
@dataclasses.dataclass(frozen=True)
class _Bedrock:
    """One client's resolved Bedrock configuration; a copy that changes no auth or routing
    option shares it (and so the signer, with its cached credentials)."""

    base_url: str
    aws_region: str | None  # `client.aws_region`
    api_key: str  # `client.api_key`: the bearer credential given or from the environment
    bearer: str | None = dataclasses.field(repr=False)  # a static bearer credential
    token_provider: Callable[[], Any] | None = dataclasses.field(repr=False)
    sigv4: _SigV4 | None
    # What `copy()` starts from (the SDK's `_LegacyBedrockState`).
    explicit_api_key: str | None = dataclasses.field(repr=False)
    uses_environment_bearer: bool
    environment_token: str | None = dataclasses.field(repr=False)
    region_was_explicit: bool
    region_derived_base_url: bool
    aws_profile: str | None
    aws_access_key_id: str | None = dataclasses.field(repr=False)
    aws_secret_access_key: str | None = dataclasses.field(repr=False)
    aws_session_token: str | None = dataclasses.field(repr=False)
    aws_credentials_provider: AwsCredentialsProvider | None = dataclasses.field(repr=False)


def _resolve(
    *,
    api_key: Any,
    token_provider: Callable[[], Any] | None,
    aws_region: str | None,
    aws_profile: str | None,
    aws_access_key_id: str | None,
    aws_secret_access_key: str | None,
    aws_session_token: str | None,
    aws_credentials_provider: AwsCredentialsProvider | None,
    base_url: str | URL | None,
    region_was_explicit: bool | None = None,
) -> _Bedrock:
    # The client's own checks (`_legacy_provider`), in the SDK's order.
    if callable(api_key):
        raise OpenAIError(_CALLABLE_API_KEY)
    if api_key == "":
        raise OpenAIError("The `api_key` argument must not be empty.")
    if api_key is not None and token_provider is not None:
        raise OpenAIError(_AMBIGUOUS)
    explicit_aws = any(
        value is not None
        for value in (
            aws_profile,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            aws_credentials_provider,
        )
    )
    if (api_key is not None or token_provider is not None) and explicit_aws:
        raise OpenAIError(_AMBIGUOUS)
    environment_token = os.environ.get("AWS_BEARER_TOKEN_BEDROCK")
    uses_environment_bearer = (
        api_key is None and token_provider is None and not explicit_aws and bool(environment_token)
    )
    # `base_url=""` asks for the region's URL (what `copy()` passes to re-derive it).
    environment_url = _strip(os.environ.get("AWS_BEDROCK_BASE_URL"))
    given_base_url: str | URL | None
    if isinstance(base_url, str) and not base_url.strip():
        given_base_url = None
    elif base_url is None:
        given_base_url = environment_url
    else:
        given_base_url = base_url
    region_derived = (base_url is None or not str(base_url).strip()) and environment_url is None
    bearer = (
        api_key if api_key is not None else environment_token if uses_environment_bearer else None
    )

    # The provider's checks (`bedrock(...)`).
    region = _strip(aws_region)
    if aws_region is not None and region is None:
        raise OpenAIError("The Bedrock AWS `region` must not be empty.")
    _validate_region(region)
    configured_url = _normalize_base_url(given_base_url) if given_base_url is not None else None
    canonical = _parse_endpoint_host(configured_url.host) if configured_url is not None else None
    endpoint: BedrockEndpoint = canonical[0] if canonical is not None else "mantle"
    profile = _strip(aws_profile)
    if aws_profile is not None and profile is None:
        raise OpenAIError("The Bedrock AWS `profile` must not be empty.")
    if (aws_access_key_id is None) != (aws_secret_access_key is None) or (
        aws_session_token is not None and aws_access_key_id is None
    ):
        raise OpenAIError(
            "Static AWS credentials require both `access_key_id` and `secret_access_key`. "
            "A `session_token` may only be used with both."
        )
    if aws_access_key_id is not None and (
        not aws_access_key_id.strip() or not cast(str, aws_secret_access_key).strip()
    ):
        raise OpenAIError(
            "Static AWS credentials require non-empty `access_key_id` and `secret_access_key` "
            "values."
        )
    if aws_session_token is not None and not aws_session_token.strip():
        raise OpenAIError("A static AWS `session_token` must not be empty when provided.")
    if bearer is not None and (not isinstance(bearer, str) or not bearer.strip()):
        raise OpenAIError("The Bedrock bearer credential must not be empty.")
    aws_modes = sum(
        (aws_access_key_id is not None, profile is not None, aws_credentials_provider is not None)
    )
    if aws_modes > 1:
        raise OpenAIError(_AMBIGUOUS_AWS)
    is_bearer = bearer is not None or token_provider is not None
    if region is None and (configured_url is None or not is_bearer):
        region = _strip(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
        _validate_region(region)
    if configured_url is not None:
        _validate_canonical_endpoint(configured_url, endpoint=endpoint, region=region)

    # The provider's runtime (`configure()`): the base URL, and the signer of SigV4 clients.
    sigv4: _SigV4 | None = None
    if not is_bearer:
        session = None
        if region is None:
            # No region anywhere but maybe in the AWS config: botocore is needed right away.
            session = _new_session(_load_botocore()[3], profile)
            region = _region_from_session(session)
            _validate_region(region)
        url = configured_url or _default_base_url(endpoint, region)
        _validate_canonical_endpoint(url, endpoint=endpoint, region=region)
        sigv4 = _SigV4(
            region=region,
            service="bedrock" if endpoint == "runtime" else "bedrock-mantle",
            profile=profile,
            access_key_id=aws_access_key_id,
            secret_access_key=aws_secret_access_key,
            session_token=aws_session_token,
            credentials_provider=aws_credentials_provider,
            session=session,
        )
    if configured_url is not None:
        url = configured_url
    elif region is not None:
        url = _default_base_url(endpoint, region)
    else:
        raise OpenAIError(_NEEDS_REGION)

    # `client.aws_region`: the argument or the environment, else the signer's, else the host's.
    client_region = (
        _strip(aws_region)
        or _strip(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
        or region
        or (canonical[1] if canonical is not None else None)
    )
    return _Bedrock(
        base_url=str(url),
        aws_region=client_region,
        api_key=bearer or "",
        bearer=bearer,
        token_provider=token_provider,
        sigv4=sigv4,
        explicit_api_key=api_key,
        uses_environment_bearer=uses_environment_bearer,
        environment_token=environment_token if uses_environment_bearer else None,
        region_was_explicit=(
            bool(aws_region and aws_region.strip())
            if region_was_explicit is None
            else region_was_explicit
        ),
        region_derived_base_url=region_derived,
        aws_profile=aws_profile,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        aws_credentials_provider=aws_credentials_provider,
    )


def _copy_arguments(
    client: AsyncBedrockOpenAI,
    *,
    api_key: str | None,
    token_provider: Callable[[], Any] | None,
    aws_region: str | None,
    aws_profile: str | None,
    aws_access_key_id: str | None,
    aws_secret_access_key: str | None,
    aws_session_token: str | None,
    aws_credentials_provider: AwsCredentialsProvider | None,
    base_url: str | None,
) -> dict[str, Any]:
    """The auth and routing arguments of a copy (the SDK's `_copy_configuration`); with no
    such override, the copy shares the client's resolved configuration."""
    state = client._bedrock
    aws_override = any(
        value is not None
        for value in (
            aws_profile,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            aws_credentials_provider,
        )
    )
    bearer_override = api_key is not None or token_provider is not None
    if bearer_override and aws_override:
        raise OpenAIError(_AMBIGUOUS)
    if not bearer_override and not aws_override and aws_region is None and base_url is None:
        return {"_bedrock": state}

    if bearer_override:
        next_api_key, next_provider = api_key, token_provider
        aws: tuple[Any, ...] = (None, None, None, None, None)
    elif aws_override:
        next_api_key, next_provider = None, None
        aws = (
            aws_profile,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            aws_credentials_provider,
        )
    else:
        next_api_key, next_provider = state.explicit_api_key, state.token_provider
        if state.uses_environment_bearer:
            next_api_key, next_provider = state.environment_token, None
        aws = (
            state.aws_profile,
            state.aws_access_key_id,
            state.aws_secret_access_key,
            state.aws_session_token,
            state.aws_credentials_provider,
        )

    next_region = aws_region if aws_region is not None else client.aws_region
    next_region_was_explicit = aws_region is not None or state.region_was_explicit
    restores_region_derived = isinstance(base_url, str) and not base_url.strip()
    if (
        (next_api_key is not None or next_provider is not None)
        and not next_region_was_explicit
        and not restores_region_derived
        and (base_url is not None or not state.region_derived_base_url)
    ):
        next_region = None
    if aws_profile is not None and aws_region is None and not state.region_was_explicit:
        next_region = None
    if base_url is not None:
        next_base_url: str | None = base_url
    elif state.region_derived_base_url:
        next_base_url = ""
    else:
        next_base_url = client.base_url
    profile, key_id, secret, session_token, credentials_provider = aws
    return {
        "api_key": next_api_key,
        "bedrock_token_provider": next_provider,
        "aws_region": next_region,
        "aws_profile": profile,
        "aws_access_key_id": key_id,
        "aws_secret_access_key": secret,
        "aws_session_token": session_token,
        "aws_credentials_provider": credentials_provider,
        "base_url": next_base_url,
        "_region_was_explicit": next_region_was_explicit,
    }


def _has_authorization(headers: Mapping[str, Any]) -> bool:
    return any(k.lower() == "authorization" for k in headers)


# -- the clients ---------------------------------------------------------------------------------
class AsyncBedrockOpenAI(AsyncOpenAI):
    """Async client for Amazon Bedrock's OpenAI-compatible endpoint, with the constructor and
    behaviour of `openai.AsyncBedrockOpenAI`.

    Auth, in the SDK's order: `api_key` or `bedrock_token_provider` (sync or async, called per
    request) as a bearer credential; else AWS SigV4 from `aws_access_key_id` /
    `aws_secret_access_key` / `aws_session_token`, `aws_profile`, `aws_credentials_provider`
    or, with none of them, `AWS_BEARER_TOKEN_BEDROCK` (bearer) or botocore's default credential
    chain. The base URL is `base_url`, `AWS_BEDROCK_BASE_URL`, or derived from the region
    (`aws_region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, or the AWS profile's for SigV4).
    """

    # As the SDK (its provider runtime): neither bearer tokens nor SigV4 go over WebSockets.
    _websocket_refusal = "This authentication method is not supported by WebSocket connections"

    _bedrock: _Bedrock
    aws_region: str | None
    # The bearer credential the static headers carry (a token provider's latest).
    _bearer_token: str | None = None
    _custom_authorization = False
    _provider_may_await = True
    _sdk_names = ("AsyncOpenAI", "AsyncBedrockOpenAI")

    def __init__(
        self,
        *,
        api_key: str | None = None,
        bedrock_token_provider: AsyncBedrockTokenProvider | None = None,
        aws_region: str | None = None,
        aws_profile: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        aws_credentials_provider: AwsCredentialsProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | None = None,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: aiohttp.ClientSession | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _holder: SessionHolder | None = None,
        _clock: Clock | None = None,
        _bedrock: _Bedrock | None = None,
        _region_was_explicit: bool | None = None,
    ) -> None:
        if _bedrock is None:
            _bedrock = _resolve(
                api_key=api_key,
                token_provider=bedrock_token_provider,
                aws_region=aws_region,
                aws_profile=aws_profile,
                aws_access_key_id=aws_access_key_id,
                aws_secret_access_key=aws_secret_access_key,
                aws_session_token=aws_session_token,
                aws_credentials_provider=aws_credentials_provider,
                base_url=base_url,
                region_was_explicit=_region_was_explicit,
            )
        # Set before the engine builds its static headers from them.
        self._bedrock = _bedrock
        self.aws_region = _bedrock.aws_region
        self._bearer_token = _bedrock.bearer
        super().__init__(
            api_key=_bedrock.api_key,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            base_url=_bedrock.base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            connection_limit=connection_limit,
            _strict_response_validation=_strict_response_validation,
            _enforce_credentials=False,
            _holder=_holder,
            _clock=_clock,
        )
        # As the SDK's provider clients: no OpenAI organization, project, admin key or custom
        # headers from the environment.
        self.organization = organization
        self.project = project
        self.admin_api_key = None
        self._custom_headers = default_headers or {}
        self._static_headers = self._build_static_headers()
        self._session_holder = self._holder
        if _bedrock.sigv4 is not None:
            self._holder = cast(SessionHolder, _SigningHolder(self._holder, _bedrock.sigv4))

    # -- auth --------------------------------------------------------------------------------
    @property
    def auth_headers(self) -> dict[str, str]:
        return {}  # the SDK's: provider auth is added to each request, not a client header

    def _build_static_headers(self) -> dict[str, str]:
        headers = super()._build_static_headers()
        self._custom_authorization = _has_authorization(headers)
        token = self._bearer_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def _provided_token(self) -> str:
        provider = self._bedrock.token_provider
        assert provider is not None
        try:
            token = provider()
            if inspect.isawaitable(token):
                if not self._provider_may_await:
                    close = getattr(token, "close", None)
                    if callable(close):
                        close()  # never awaited: no "coroutine was never awaited" warning
                    raise OpenAIError("An async Bedrock token provider requires `AsyncOpenAI`.")
                token = await token
        except OpenAIError:
            raise
        except Exception as exc:
            raise OpenAIError("Failed to resolve a bearer credential for Bedrock.") from exc
        if not isinstance(token, str) or not token.strip():
            raise OpenAIError(
                "The Bedrock bearer credential provider must return a non-empty string."
            )
        return token

    async def _request(
        self,
        method: str,
        path: str,
        cast_to: Any,
        *,
        body: Any = None,
        options: RequestOptions = NO_OPTIONS,
        **kwargs: Any,
    ) -> Any:
        if self._custom_authorization:
            raise OpenAIError(_CUSTOM_AUTHORIZATION)
        if options is not NO_OPTIONS:
            extra = options.extra_headers
            if extra and _has_authorization(extra):
                if any(
                    k.lower() == "authorization" and not isinstance(v, (Omit, NotGiven))
                    for k, v in extra.items()
                ):
                    raise OpenAIError(_CUSTOM_AUTHORIZATION)
                # Omitting it does not remove the provider's auth (the SDK adds it last).
                kept = {k: v for k, v in extra.items() if k.lower() != "authorization"}
                options = msgspec.structs.replace(options, extra_headers=kept)
        if self._bedrock.token_provider is not None and not self._module_bearer:
            token = await self._provided_token()
            if token != self._bearer_token:
                self._bearer_token = token
                self._static_headers = self._build_static_headers()
        return await super()._request(method, path, cast_to, body=body, options=options, **kwargs)

    # The module client's `oxide.api_key`, when set, replaces the configured auth.
    _module_bearer = False

    def _use_module_api_key(self, api_key: str | None) -> None:
        state = self._bedrock
        self._module_bearer = api_key is not None
        if api_key is not None:
            self._bearer_token = api_key
        elif state.token_provider is None:
            self._bearer_token = state.bearer
        if state.sigv4 is not None:
            state.sigv4.active = api_key is None
        self.api_key = api_key if api_key is not None else state.api_key

    # -- copies ------------------------------------------------------------------------------
    def copy(
        self,
        *,
        api_key: str | Callable[[], Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        workload_identity: Any = None,
        provider: Any = NOT_GIVEN,
        bedrock_token_provider: AsyncBedrockTokenProvider | None = None,
        aws_region: str | None = None,
        aws_profile: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        aws_credentials_provider: AwsCredentialsProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        websocket_base_url: str | None = None,
        base_url: str | None | NotGiven = NOT_GIVEN,
        data_residency: Any = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: aiohttp.ClientSession | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        _enforce_credentials: bool | None = None,
    ) -> AsyncBedrockOpenAI:
        """A client with the same options except those given (sharing the connection pool,
        and the signer with its credentials when no auth or routing option changes)."""
        base, bedrock = self._sdk_names
        if data_residency is not None:
            raise OpenAIError("`data_residency` is only supported by OpenAI clients")
        if isinstance(base_url, NotGiven):
            base_url = None
        if callable(api_key):
            raise OpenAIError(_CALLABLE_API_KEY)
        if not isinstance(provider, NotGiven):
            raise OpenAIError(
                f"Configure `provider` on `{base}`, not on `{bedrock}.with_options()`."
            )
        if admin_api_key is not None or workload_identity is not None:
            raise OpenAIError(
                f"{bedrock} only supports Bedrock bearer token or AWS credential authentication."
            )
        if default_headers is not None and set_default_headers is not None:
            raise ValueError(
                "The `default_headers` and `set_default_headers` arguments are mutually exclusive"
            )
        if default_query is not None and set_default_query is not None:
            raise ValueError(
                "The `default_query` and `set_default_query` arguments are mutually exclusive"
            )
        headers: Mapping[str, str] = self._custom_headers
        if default_headers is not None:
            headers = {**headers, **default_headers}
        elif set_default_headers is not None:
            headers = set_default_headers
        query: Mapping[str, object] = self._custom_query
        if default_query is not None:
            query = {**query, **default_query}
        elif set_default_query is not None:
            query = set_default_query
        auth = _copy_arguments(
            self,
            api_key=api_key,
            token_provider=bedrock_token_provider,
            aws_region=aws_region,
            aws_profile=aws_profile,
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token,
            aws_credentials_provider=aws_credentials_provider,
            base_url=base_url,
        )
        return type(self)(
            organization=organization if organization is not None else self.organization,
            project=project if project is not None else self.project,
            webhook_secret=webhook_secret if webhook_secret is not None else self.webhook_secret,
            websocket_base_url=(
                websocket_base_url if websocket_base_url is not None else self.websocket_base_url
            ),
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
            http_client=http_client,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=headers,
            default_query=query,
            connection_limit=self._connection_limit,
            _strict_response_validation=self._strict_response_validation,
            _enforce_credentials=True if _enforce_credentials is None else _enforce_credentials,
            _holder=self._session_holder if http_client is None else None,
            _clock=self._clock,
            **auth,
        )

    with_options = copy


class _BedrockSyncEngine(AsyncBedrockOpenAI):
    # The async engine behind `BedrockOpenAI`: sync-client headers, sync token provider.
    _async_header = "false"
    _loops_die_with_client = True
    _provider_may_await = False
    _sdk_names = ("OpenAI", "BedrockOpenAI")

    @property
    def user_agent(self) -> str:
        return f"BedrockOpenAI/Python {__version__}"


class BedrockOpenAI(OpenAI):
    """Sync client for Amazon Bedrock's OpenAI-compatible endpoint, with the constructor and
    behaviour of `openai.BedrockOpenAI` (see `AsyncBedrockOpenAI`; `bedrock_token_provider` is
    a plain callable here)."""

    _engine: AsyncBedrockOpenAI

    def __init__(
        self,
        *,
        api_key: str | None = None,
        bedrock_token_provider: BedrockTokenProvider | None = None,
        aws_region: str | None = None,
        aws_profile: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        aws_credentials_provider: AwsCredentialsProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | None = None,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _engine: AsyncBedrockOpenAI | None = None,
        _runner: SyncRunner | None = None,
        _clock: Clock | None = None,
    ) -> None:
        engine = _engine or self._engine_class(
            api_key=api_key,
            bedrock_token_provider=bedrock_token_provider,
            aws_region=aws_region,
            aws_profile=aws_profile,
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token,
            aws_credentials_provider=aws_credentials_provider,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            base_url=base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            connection_limit=connection_limit,
            _strict_response_validation=_strict_response_validation,
            _enforce_credentials=_enforce_credentials,
            _clock=_clock,
        )
        super().__init__(_engine=engine, _runner=_runner)

    _engine_class: type[AsyncBedrockOpenAI] = _BedrockSyncEngine

    @property
    def aws_region(self) -> str | None:
        return self._engine.aws_region

    def copy(self, **kwargs: Any) -> BedrockOpenAI:
        """Same as `AsyncBedrockOpenAI.copy`; the copy shares the loops and the pool."""
        return type(self)(_engine=self._engine.copy(**kwargs), _runner=self._runner)

    with_options = copy
