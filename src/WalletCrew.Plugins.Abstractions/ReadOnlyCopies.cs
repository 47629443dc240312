using System.Collections.ObjectModel;

namespace WalletCrew.Plugins;

/// <summary>
/// The copies event data holds instead of the collections the platform passed in: a connector that casts
/// <c>Identifiers</c> to <see cref="Dictionary{TKey, TValue}"/> or <c>Tags</c> to <see cref="List{T}"/> gets an
/// <see cref="InvalidCastException"/>, and the interfaces those copies implement refuse writes, so one hook cannot change
/// what the host or the next hook sees.
/// </summary>
internal static class ReadOnlyCopies
{
    public static IReadOnlyDictionary<TKey, TValue> Of<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> source)
        where TKey : notnull
    {
        var comparer = (source as Dictionary<TKey, TValue>)?.Comparer;
        var copy = new Dictionary<TKey, TValue>(source.Count, comparer);
        foreach (var (key, value) in source)
        {
            copy[key] = value;
        }

        return new ReadOnlyDictionary<TKey, TValue>(copy);
    }

    public static IReadOnlyList<T> Of<T>(IReadOnlyList<T> source) => new ReadOnlyCollection<T>([.. source]);
}
