using WalletCrew.Plugins.Engine.Plugins;
using WalletCrew.Plugins.Engine.Reload;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>
/// A plugin folder is named by its files, for the reload's change check and for its woven copy alike (one digest): two
/// folders whose files differ only in where a name ends and its bytes begin must not read the same, or a change would
/// go unseen and a copy of other files be loaded.
/// </summary>
public sealed class PluginFolderDigestTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wcp-digest-").FullName;

    [Fact]
    public void FoldersWhoseNamesAndBytesRunTogetherAlikeAreToldApart()
    {
        var first = Folder("first", ("a", "bc"));
        var second = Folder("second", ("ab", "c"));
        var control = Folder("control", ("a", "bc"));

        Digest(first).Should().Be(Digest(control), "the control: the same files read the same");
        Digest(first).Should().NotBe(Digest(second));
        Woven(first).Should().Be(Woven(control), "the control: the same files share one woven copy");
        Woven(first).Should().NotBe(Woven(second));
    }

    [Fact]
    public void AFileMovedIntoASubfolderChangesTheDigest()
    {
        Digest(Folder("flat", ("x.dll", "1"), ("y", "2"))).Should().NotBe(Digest(Folder("nested", ("x.dll", "1"), ("sub/y", "2"))));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Digest(string folder) => new ConnectorSource("server/plugins/P", folder, IsPlugin: true).Read()!.Value.Hash;

    private string Woven(string folder) => Path.GetFileName(WovenPluginFolder.Prepare(folder, Path.Combine(_root, "woven")));

    private string Folder(string name, params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(_root, name);
        foreach (var (path, content) in files)
        {
            var file = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content);
        }

        return folder;
    }
}
