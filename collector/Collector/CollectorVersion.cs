using System.Reflection;

namespace AssetMeter.Collector
{
    /// <summary>The collector's version, as reports show it (BSCP601 records the collection software's version).</summary>
    public static class CollectorVersion
    {
        public static string Text { get; } =
            typeof(CollectorVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1.0";
    }
}
