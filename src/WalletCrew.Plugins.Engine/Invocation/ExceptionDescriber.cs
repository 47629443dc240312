using System.Diagnostics;
using System.Reflection;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>Describes a connector's exception for the tenant log and operators: type, message and the connector's <c>file.csx:line</c>.</summary>
/// <remarks>
/// <see cref="Exception.Message"/> is tenant code when the exception is a connector's own type: it is read once, guarded,
/// inside the invocation (see <see cref="ConnectorInvoker"/>), and the result is scrubbed text the host can keep.
/// </remarks>
internal static class ExceptionDescriber
{
    public static Exception Unwrap(Exception exception)
    {
        while (exception is TargetInvocationException or AggregateException && exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    public static string Describe(Exception exception)
    {
        exception = Unwrap(exception);
        var where = Location(exception);
        var text = where is null
            ? $"{exception.GetType().Name}: {MessageOf(exception)}"
            : $"{exception.GetType().Name}: {MessageOf(exception)} (at {where.Value.File}:line {where.Value.Line})";
        return TenantText.Clean(text);
    }

    /// <summary>Reads an exception's message, which a connector's exception type may compute: a getter that throws yields a placeholder, never an exception.</summary>
    public static string MessageOf(Exception exception)
    {
        // AggregateException.Message joins its inner exceptions' messages, and theirs, recursively: a connector's aggregate
        // nested 300,000 deep overflowed the stack of whoever read it (the engine's log, here). Deeper than a person reads
        // is named, not read.
        if (AggregateDepth(exception) > MaxAggregateDepth)
        {
            return $"(aggregate exceptions nested more than {MaxAggregateDepth} deep; the message is not read)";
        }

        try
        {
            return exception.Message ?? "";
        }
        catch (Exception failure)
        {
            // The failure is tenant-made too: only its type name is read.
            return $"(the exception's message could not be read: its getter threw {failure.GetType().Name})";
        }
    }

    private const int MaxAggregateDepth = 32;

    // How deep aggregates nest inside this one, counted without recursion and no further than just past the limit.
    private static int AggregateDepth(Exception exception)
    {
        var depth = 0;
        var level = new List<Exception> { exception };
        while (depth <= MaxAggregateDepth && level.Count > 0)
        {
            level = [.. level.OfType<AggregateException>().SelectMany(a => a.InnerExceptions).Take(1024)];
            depth++;
        }

        return level.Count == 0 ? depth - 1 : depth;
    }

    /// <summary>Returns the innermost tenant source location of the exception (a frame of connector code, which alone lives in collectible assemblies), if its stack has one.</summary>
    public static (string File, int Line, int Column)? Location(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            var file = frame.GetFileName();
            if (file is not null && frame.GetFileLineNumber() > 0 && frame.GetMethod()?.Module.Assembly.IsCollectible == true)
            {
                // Scripts carry their tenant-relative path; a plugin's PDB carries its build machine's path, of which the file name is what helps.
                return (Path.IsPathRooted(file) ? Path.GetFileName(file) : file, frame.GetFileLineNumber(), frame.GetFileColumnNumber());
            }
        }

        return null;
    }
}
