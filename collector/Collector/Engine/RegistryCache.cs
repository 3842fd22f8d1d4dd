using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Engine
{
    /// <summary>
    /// The meters' standing data, each kept for a minute, so that a key rotated or a meter registered while the
    /// collector runs is seen without a restart. Safe for many readers: the verification threads read it while the
    /// stage before them fills it a batch at a time (<see cref="Resolve"/>, one query for the batch's meters).
    /// </summary>
    internal sealed class RegistryCache
    {
        private static readonly long LifetimeMilliseconds = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
        private readonly CollectorStore _store;
        private readonly ConcurrentDictionary<string, Entry> _meters = new(StringComparer.Ordinal);

        /// <param name="store">Read under its own lock; give the cache a store no long transaction holds.</param>
        public RegistryCache(CollectorStore store)
        {
            _store = store;
        }

        /// <summary>Meters held (registered or known not to be).</summary>
        public int Count => _meters.Count;

        /// <summary>The meter's registration (null: not registered), from the store when not held or held too long.</summary>
        public MeterRegistration? Get(string serial)
        {
            long now = Environment.TickCount64;
            if (_meters.TryGetValue(serial, out Entry? cached) && now - cached.LoadedAt < LifetimeMilliseconds)
            {
                return cached.Meter;
            }

            MeterRegistration? meter = _store.Meter(serial);
            _meters[serial] = new Entry(meter, now);
            return meter;
        }

        /// <summary>Makes sure every serial is held and fresh, reading those that are not with one query.</summary>
        public void Resolve(IEnumerable<string> serials)
        {
            long now = Environment.TickCount64;
            var wanted = new HashSet<string>(StringComparer.Ordinal);
            foreach (string serial in serials)
            {
                if (serial.Length > 0 && (!_meters.TryGetValue(serial, out Entry? cached) || now - cached.LoadedAt >= LifetimeMilliseconds))
                {
                    wanted.Add(serial);
                }
            }

            if (wanted.Count == 0)
            {
                return;
            }

            Dictionary<string, MeterRegistration> found = _store.Meters(wanted);
            foreach (string serial in wanted)
            {
                _meters[serial] = new Entry(found.GetValueOrDefault(serial), now);
            }
        }

        private sealed record Entry(MeterRegistration? Meter, long LoadedAt);
    }
}
