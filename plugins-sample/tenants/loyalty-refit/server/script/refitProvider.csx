// A customer provider that reads the partner's loyalty API through a typed Refit client.
// The Refit and System.Text.Json source generators run on this file; see docs/authoring.md, "Typed partner clients with Refit".
using Refit;
using System.Text.Json.Serialization;

// Context.CreateHttpClient sends through the platform's egress guard and limits; ForGenerated uses the generated client.
var api = RestService.ForGenerated<ILoyaltyApi>(Context.CreateHttpClient("https://loyalty.example"), LoyaltyJson.Default);

async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
{
    var customer = await api.GetCustomerAsync(identifiers["customerId"]);
    return new { points = customer.Points, tier = customer.Tier };
}

context.register("runtime.scriptable.customerProvider.refit", new { Fill = fill });

public interface ILoyaltyApi
{
    [Get("/customers/{id}")]
    Task<Customer> GetCustomerAsync(string id);
}

public sealed record Customer(int Points, string Tier);

// camelCase JSON ({"points":120,"tier":"gold"}), and no reflection: the metadata is generated at compile time.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Customer))]
internal sealed partial class LoyaltyJson : JsonSerializerContext;
