namespace WalletCrew.Plugins.Engine.Tests.Refit;

/// <summary>Connector scripts with a Refit client and a source-generated JSON context.</summary>
internal static class RefitScripts
{
    /// <summary>The loyalty connector: Fill reads the customer through a typed Refit client.</summary>
    public static string Loyalty(string baseAddress, string tag = "") => $$"""
        using Refit;
        using System.Text.Json.Serialization;

        var api = RestService.ForGenerated<ILoyaltyApi>(Context.CreateHttpClient("{{baseAddress}}"), LoyaltyJson.Default);

        async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
        {
            var c = await api.GetCustomerAsync(identifiers["customerId"]);
            return new { points = c.Points, tier = c.Tier{{tag}} };
        }

        context.register("runtime.scriptable.customerProvider.refit", new { Fill = fill });

        public interface ILoyaltyApi
        {
            [Get("/customers/{id}")]
            Task<Customer> GetCustomerAsync(string id);
        }

        public sealed record Customer(int Points, string Tier);

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
        [JsonSerializable(typeof(Customer))]
        internal sealed partial class LoyaltyJson : JsonSerializerContext;
        """;
}
