using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Benchmarks.Memory;

/// <summary>Asks glibc to give its free heap pages back to the kernel, to tell memory the process still uses from memory malloc merely keeps.</summary>
internal static partial class NativeHeap
{
    public static bool TryTrim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl)
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
