namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The durable event store and delivery queue, in the roles its users take: each depends on the one it needs. Both stores
/// implement all of them. Implementations must let several hosts share one database: claims are leases (owner and
/// expiry) taken atomically, and every write by a worker is conditional on its lease.
/// </summary>
internal interface IEventStore : IEventIngest, IEventQueue, IEventHistory, ITenantLog, IStoreMaintenance;
