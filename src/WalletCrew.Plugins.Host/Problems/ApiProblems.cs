using Microsoft.AspNetCore.Http.HttpResults;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>Every error the API answers, as ProblemDetails, in one place.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) => TypedResults.Problem(new HttpValidationProblemDetails(errors)
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is not valid",
        Detail = string.Join(" ", errors.SelectMany(e => e.Value)),
    });

    /// <summary>404: no tenant of that id is loaded on this host.</summary>
    public static ProblemHttpResult UnknownTenant(string tenantId) => NotFound("Unknown tenant", Tenants.HookOutcome.NotLoaded(tenantId));

    public static ProblemHttpResult MalformedJson(string field, string message) => TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request body is not valid JSON",
        Detail = message,
    });

    /// <summary>413 naming the body's size when known, the limit and the setting that sets it.</summary>
    public static ProblemHttpResult TooLarge(long? size, BodyLimit limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large",
        detail: size is { } s
            ? $"The body is {s} bytes; the limit is {limit.Bytes} bytes ({limit.Setting})."
            : $"The body exceeds the limit of {limit.Bytes} bytes ({limit.Setting}).");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "The request body must be JSON",
        detail: $"Content-Type '{contentType}' is not JSON; send 'application/json'.");

    /// <summary>403: a valid key used outside its scopes; names the scopes that would do and those the key holds.</summary>
    public static ProblemHttpResult MissingScope(string route, IReadOnlyList<string> anyOf, IReadOnlyList<string> held) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "The key lacks the scope this route needs",
        detail: $"{route} needs a key with the scope {string.Join(" or ", anyOf.Select(s => $"'{s}'"))}; this key has {(held.Count == 0 ? "none" : string.Join(", ", held.Select(s => $"'{s}'")))}.",
        extensions: new Dictionary<string, object?> { ["requiredScopes"] = anyOf });

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>422: a tenant's new files do not check; every diagnostic, structured and in MSBuild form, and nothing changed.</summary>
    public static ProblemHttpResult FilesRejected(string tenantId, IReadOnlyList<Admin.DiagnosticView> diagnostics, string? detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The tenant's files do not check",
        detail: detail ?? $"Tenant '{tenantId}': {diagnostics.Count(d => d.Severity == "error")} error(s); nothing changed, the live version keeps serving.\n"
            + string.Join("\n", diagnostics.Select(d => d.Text)),
        extensions: new Dictionary<string, object?> { ["diagnostics"] = diagnostics });

    /// <summary>422: the tenant is loaded but registers no email sender, so an email to it could never be sent; nothing was stored.</summary>
    public static ProblemHttpResult NoEmailSender(string tenantId) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The tenant has no email sender",
        detail: $"Tenant '{tenantId}' registers no email sender ({RegistrationKeys.EmailEngine}), or its connectors do not load (GET /api/admin/connectors lists their errors); nothing was stored.");

    /// <summary>412: the caller's <c>If-Match</c> names another version than the current one.</summary>
    public static ProblemHttpResult VersionMismatch(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The tenant's files changed", detail: detail);

    /// <summary>503 with <c>Retry-After</c>: the store did not confirm a write whose outcome the caller must read back.</summary>
    public static ProblemHttpResult StoreUnconfirmed(HttpResponse response, string detail)
    {
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The event store is unavailable", detail: detail);
    }

    public static ProblemHttpResult StoreUnavailable() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "The event store is unavailable",
        detail: "Nothing was stored; retry the request.");

    public static ProblemHttpResult StoreNotReady() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "The event store is unavailable",
        detail: "This host cannot reach its event store; ingest answers 503 until it can.");

    public static ProblemHttpResult Timeout(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "The connector timed out", detail: detail);

    /// <summary>429 with <c>Retry-After</c>: the tenant is at its limit of concurrent invocations and nothing ran (<see cref="Tenants.Overload"/>).</summary>
    public static ProblemHttpResult TenantBusy(HttpResponse response, string detail)
    {
        response.Headers.RetryAfter = ((int)Math.Ceiling(Tenants.Overload.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "The tenant is busy", detail: detail);
    }

    public static ProblemHttpResult ConnectorFailed(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The connector failed", detail: detail);
}
