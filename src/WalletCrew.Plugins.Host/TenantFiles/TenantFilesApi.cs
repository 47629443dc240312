using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using WalletCrew.Plugins.Host.Admin;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// <c>/api/tenants/{tenantId}/files</c> and <c>/versions</c>: a tenant's files in the store. Every change (PUT, DELETE,
/// restore) checks the tenant's whole new file set with this host's settings first: errors answer 422 with every
/// diagnostic and change nothing; <c>?dryRun=true</c> checks only; otherwise the result is stored as the next version and
/// goes live. <c>If-Match: "N"</c> makes a change conditional on version N being current.
/// </summary>
internal static class TenantFilesApi
{
    public static IEndpointRouteBuilder MapTenantFiles(this IEndpointRouteBuilder routes)
    {
        var files = routes.MapGroup("/api/tenants/{tenantId}").RequireAuthorization(ApiPolicies.TenantFiles);
        files.MapGet("/files", TreeAsync);
        files.MapPut("/files", PutFolderAsync);
        files.MapGet("/files/{**path}", GetFileAsync);
        files.MapPut("/files/{**path}", PutFileAsync);
        files.MapDelete("/files/{**path}", DeleteAsync);
        files.MapGet("/versions", VersionsAsync);
        files.MapPost("/versions/{version:long}/restore", RestoreAsync);
        return routes;
    }

    private static async Task<Results<Ok<TenantFilesView>, ProblemHttpResult>> TreeAsync(
        string tenantId, ITenantFileStore store, TenantRegistry registry, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var versions = await store.ListVersionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            return NoStoredFiles(tenantId, registry);
        }

        return TypedResults.Ok(new TenantFilesView(tenantId, versions[0].Version, registry.LiveVersion(tenantId), versions[0].Files, [.. versions.Select(TenantVersionView.From)]));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFileAsync(
        string tenantId, string path, long? version, HttpResponse response, ITenantFileStore store, TenantRegistry registry, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var stored = version is { } n
            ? await store.GetVersionAsync(tenantId, n, cancellationToken).ConfigureAwait(false)
            : await store.GetCurrentAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return version is null ? NoStoredFiles(tenantId, registry) : ApiProblems.NotFound("Unknown version", $"Tenant '{tenantId}' has no stored version {version}.");
        }

        var entry = stored.Files.FirstOrDefault(f => f.Path == path);
        if (entry is null)
        {
            return ApiProblems.NotFound("Unknown file", $"Version {stored.Version} of tenant '{tenantId}' has no file '{path}'.");
        }

        var blobs = await store.ReadBlobsAsync([entry.Hash], cancellationToken).ConfigureAwait(false);
        response.Headers.ETag = Tag(stored.Version);
        var contentType = path.EndsWith(".csx", StringComparison.Ordinal) || path.EndsWith(".json", StringComparison.Ordinal) ? "text/plain; charset=utf-8" : "application/octet-stream";
        return TypedResults.File(blobs[entry.Hash], contentType);
    }

    private static async Task<Results<Ok<TenantChangeView>, Created<TenantChangeView>, ProblemHttpResult>> PutFileAsync(
        string tenantId, string path, bool? dryRun, string? message, HttpRequest request, ClaimsPrincipal user, TenantVersions versions,
        IOptions<TenantFileOptions> options, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var limits = options.Value;
        var plugin = TenantFilePaths.PluginFolder(path);
        if (plugin is null && TenantFilePaths.Problem(path) is { } pathProblem)
        {
            return ApiProblems.Invalid("path", pathProblem);
        }

        var (body, tooLarge) = await ReadBodyAsync(request, plugin is null ? limits.FileLimit : limits.UploadLimit, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        Func<TenantFileSet, TenantFileSet> edit;
        if (plugin is not null)
        {
            var (files, error) = TenantFileArchive.Read(body!, $"Plugin package '{path}'", limits);
            if (error is not null)
            {
                return ApiProblems.Invalid("body", error);
            }

            edit = set => set.WithFolder(path, files!);
        }
        else
        {
            edit = set => set.With(path, body!);
        }

        var (change, badHeader) = Change(request, user, dryRun, message);
        return badHeader ?? Answer(tenantId, await versions.ChangeAsync(tenantId, change!, _ => null, edit, cancellationToken).ConfigureAwait(false), request.HttpContext.Response);
    }

    /// <summary>A zip of the whole tenant folder replaces every file at once (what <c>wcp push</c> sends): one check, one version.</summary>
    private static async Task<Results<Ok<TenantChangeView>, Created<TenantChangeView>, ProblemHttpResult>> PutFolderAsync(
        string tenantId, bool? dryRun, string? message, HttpRequest request, ClaimsPrincipal user, TenantVersions versions,
        IOptions<TenantFileOptions> options, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var (body, tooLarge) = await ReadBodyAsync(request, options.Value.UploadLimit, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (files, error) = TenantFileArchive.Read(body!, $"The folder of tenant '{tenantId}'", options.Value);
        error ??= files!.Keys.Select(TenantFilePaths.Problem).FirstOrDefault(p => p is not null);
        if (error is not null)
        {
            return ApiProblems.Invalid("body", error);
        }

        var (change, badHeader) = Change(request, user, dryRun, message);
        var next = new TenantFileSet(files!);
        return badHeader ?? Answer(tenantId, await versions.ChangeAsync(tenantId, change!, _ => null, _ => next, cancellationToken).ConfigureAwait(false), request.HttpContext.Response);
    }

    private static async Task<Results<Ok<TenantChangeView>, Created<TenantChangeView>, ProblemHttpResult>> DeleteAsync(
        string tenantId, string path, bool? dryRun, string? message, HttpRequest request, ClaimsPrincipal user, TenantVersions versions, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var (change, badHeader) = Change(request, user, dryRun, message);
        if (badHeader is not null)
        {
            return badHeader;
        }

        var result = await versions.ChangeAsync(tenantId, change!,
            set => set.Contains(path) ? null : new TenantChangeResult(TenantChangeStatus.NotFound, null, null, [], $"Tenant '{tenantId}' has no file or folder '{path}'."),
            set => set.Without(path), cancellationToken).ConfigureAwait(false);
        return Answer(tenantId, result, request.HttpContext.Response);
    }

    private static async Task<Results<Ok<IReadOnlyList<TenantVersionView>>, ProblemHttpResult>> VersionsAsync(
        string tenantId, ITenantFileStore store, TenantRegistry registry, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var versions = await store.ListVersionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return versions.Count == 0 ? NoStoredFiles(tenantId, registry) : TypedResults.Ok<IReadOnlyList<TenantVersionView>>([.. versions.Select(TenantVersionView.From)]);
    }

    private static async Task<Results<Ok<TenantChangeView>, Created<TenantChangeView>, ProblemHttpResult>> RestoreAsync(
        string tenantId, long version, bool? dryRun, string? message, HttpRequest request, ClaimsPrincipal user, TenantVersions versions, CancellationToken cancellationToken)
    {
        if (CheckTenant(tenantId) is { } invalid)
        {
            return invalid;
        }

        var (change, badHeader) = Change(request, user, dryRun, message);
        return badHeader ?? Answer(tenantId, await versions.RestoreAsync(tenantId, version, change!, cancellationToken).ConfigureAwait(false), request.HttpContext.Response);
    }

    private static Results<Ok<TenantChangeView>, Created<TenantChangeView>, ProblemHttpResult> Answer(string tenantId, TenantChangeResult result, HttpResponse response)
    {
        var diagnostics = result.Diagnostics.Select(DiagnosticView.From).ToList();
        var stored = result.Version is null ? null : TenantVersionView.From(result.Version);
        return result.Status switch
        {
            TenantChangeStatus.Stored => TypedResults.Created($"/api/tenants/{tenantId}/versions", new TenantChangeView(tenantId, "stored", result.Version!.Version, stored, diagnostics)),
            TenantChangeStatus.Unchanged => TypedResults.Ok(new TenantChangeView(tenantId, "unchanged", result.Version!.Version, stored, diagnostics)),
            TenantChangeStatus.Checked => TypedResults.Ok(new TenantChangeView(tenantId, "checked", result.NextVersion ?? 0, null, diagnostics)),
            TenantChangeStatus.Rejected => ApiProblems.FilesRejected(tenantId, diagnostics, result.Detail),
            TenantChangeStatus.Conflict => ApiProblems.Conflict("The tenant's files changed", result.Detail ?? ""),
            TenantChangeStatus.PreconditionFailed => ApiProblems.VersionMismatch(result.Detail ?? ""),
            TenantChangeStatus.StoreUnavailable => ApiProblems.StoreUnconfirmed(response, result.Detail ?? ""),
            _ => ApiProblems.NotFound("Not found", result.Detail ?? ""),
        };
    }

    private static (TenantChange? Change, ProblemHttpResult? Problem) Change(HttpRequest request, ClaimsPrincipal user, bool? dryRun, string? message)
    {
        long? ifMatch = null;
        if (request.Headers.IfMatch.Count > 0)
        {
            var value = request.Headers.IfMatch.ToString().Trim().Trim('"');
            if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return (null, ApiProblems.Invalid("If-Match", $"If-Match '{request.Headers.IfMatch}' is not a version number such as \"3\" (0 for a tenant with no stored version)."));
            }

            ifMatch = parsed;
        }

        if (message is { Length: > 1000 })
        {
            return (null, ApiProblems.Invalid("message", "'message' must be at most 1000 characters."));
        }

        return (new TenantChange(user.Identity?.Name ?? "unknown", message, dryRun == true, ifMatch), null);
    }

    private static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, BodyLimit limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit.Bytes)
        {
            return (null, ApiProblems.TooLarge(request.ContentLength, limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit.Bytes)
            {
                return (null, ApiProblems.TooLarge(null, limit));
            }
        }

        return (buffer.ToArray(), null);
    }

    private static ProblemHttpResult? CheckTenant(string tenantId)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        return errors.Count > 0 ? ApiProblems.Invalid(errors) : null;
    }

    private static ProblemHttpResult NoStoredFiles(string tenantId, TenantRegistry registry) => ApiProblems.NotFound("No stored files",
        registry.IsFolderTenant(tenantId)
            ? $"Tenant '{tenantId}' is served from its folder under the tenants root; its files enter the store with its first change through this API."
            : $"Tenant '{tenantId}' has no stored files; its first PUT creates it.");

    private static string Tag(long version) => new EntityTagHeaderValue($"\"{version}\"").ToString();
}
