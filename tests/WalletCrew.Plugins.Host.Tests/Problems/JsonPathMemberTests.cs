using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;

namespace WalletCrew.Plugins.Host.Tests.Problems;

/// <summary>
/// A body that parses but does not fit is told apart (unknown field or wrong type) by walking the error's JSON path through
/// the target type's metadata, so the answer does not depend on how a runtime words its exceptions.
/// </summary>
public sealed class JsonPathMemberTests
{
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Theory]
    [InlineData("$", true)]
    [InlineData("$.installed", true)]
    [InlineData("$.Installed", true)]
    [InlineData("$.identifiers.customerId", true)]
    [InlineData("$['identifiers']['customer id']", true)]
    [InlineData("$.registrationSource.tags[1]", true)]
    [InlineData("$.registrationSource.medium", true)]
    [InlineData("$.instaled", false)]
    [InlineData("$.registrationSource.chanel", false)]
    [InlineData("$['registrationSource']['chanel']", false)]
    public void APathNamesAMemberOnlyWhenEveryStepDoes(string path, bool member) =>
        JsonBodyReader.HasMember(s_web.GetTypeInfo(typeof(InstallationRequest)), path).Should().Be(member);
}
