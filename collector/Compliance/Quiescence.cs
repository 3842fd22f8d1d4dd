using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Engine;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>
    /// Decides when a simulation may move its clock on, so that network hops cost real time but no simulated time:
    /// everything the meters published for the collectors has arrived and been stored, no command is on its way to a
    /// meter, and no answer is on its way back. A command a meter has just received does not hold the clock:
    /// the meter needs a step to answer it. A command neither delivered nor answered within a short real time is taken
    /// as lost (a meter without power never answers).
    /// </summary>
    /// <remarks>
    /// Several collectors may watch one fleet: instances that share records in an MQTT 5 share group receive each
    /// record once between them and every status, event and reply each; a plain subscriber receives everything.
    /// </remarks>
    public sealed class Quiescence
    {
        /// <summary>How often, in simulated time, a simulation has the collector supervise its meters.</summary>
        public static readonly TimeSpan SupervisionEvery = TimeSpan.FromSeconds(30);

        private const long LostAfterMilliseconds = 300;

        private readonly IReadOnlyList<CollectorService> _collectors;
        private readonly VirtualFleet _fleet;
        private readonly ConcurrentDictionary<(string Serial, long Counter), Flight> _flights = new();
        private long _lastShortfall;
        private long _shortfallChanged;
        private long _lostShortfall;

        /// <summary>One collector watching the fleet.</summary>
        public Quiescence(CollectorService collector, VirtualFleet fleet)
            : this(fleet, new[] { collector })
        {
        }

        /// <summary>Several collectors watching the fleet (any mix of share-group members and plain subscribers).</summary>
        public Quiescence(VirtualFleet fleet, IReadOnlyList<CollectorService> collectors)
        {
            _collectors = collectors;
            _fleet = fleet;
            foreach (CollectorService collector in collectors)
            {
                collector.CommandPublishing += command => _flights[(command.Serial, command.Counter)] = new Flight(Environment.TickCount64);

                // Every instance subscribes to replies plainly: the first to store one lands the flight.
                collector.Ingested += outcome =>
                {
                    if (outcome.Kind == MessageKind.Reply)
                    {
                        _flights.TryRemove((outcome.Serial, outcome.Number), out _);
                    }
                };
            }

            fleet.CommandDelivered += (serial, payload) =>
            {
                long counter = CounterOf(payload);
                if (_flights.TryGetValue((serial, counter), out Flight? flight))
                {
                    flight.ReceivedAtStep = fleet.Steps;
                    flight.Since = Environment.TickCount64;
                }
            };
        }

        public bool Quiet()
        {
            if (_collectors.Any(c => c.Pending > 0) || !_fleet.MetersQuiet())
            {
                return false;
            }

            long now = Environment.TickCount64;

            // Everything the meters published for the collectors has arrived. Some messages never do (published while
            // a collector was not yet subscribed, or into a broker that went away): a shortfall that has not
            // changed for a while is taken as lost, and only a shortfall beyond it holds the clock.
            long shortfall = Expected() - _collectors.Sum(c => c.Counters.ReceivedLive);
            if (shortfall != _lastShortfall)
            {
                _lastShortfall = shortfall;
                _shortfallChanged = now;
            }

            if (shortfall < _lostShortfall || now - _shortfallChanged > LostAfterMilliseconds)
            {
                _lostShortfall = shortfall;
            }

            if (shortfall > _lostShortfall)
            {
                return false;
            }

            long step = _fleet.Steps;
            foreach (var pair in _flights)
            {
                Flight flight = pair.Value;
                if (now - flight.Since > LostAfterMilliseconds)
                {
                    _flights.TryRemove(pair.Key, out _);
                    continue;
                }

                // On its way to the meter, or answered and the answer on its way back.
                if (flight.ReceivedAtStep < 0 || flight.ReceivedAtStep < step)
                {
                    return false;
                }
            }

            return true;
        }

        // What the collectors together should have received live: a share group gets each record once and every
        // side message (status, event, reply) once per member; a plain subscriber gets everything.
        private long Expected()
        {
            long records = _fleet.PublishedRecordsForCollector;
            long side = _fleet.PublishedForCollector - records;
            long expected = 0;
            foreach (IGrouping<string?, CollectorService> group in _collectors.GroupBy(c => c.ActiveShareGroup))
            {
                int members = group.Count();
                expected += group.Key == null ? (records + side) * members : records + (side * members);
            }

            return expected;
        }

        // The counter "n" of a command message AMC1|{...,"n":123,...}|sig; 0 if absent.
        private static long CounterOf(byte[] payload)
        {
            string text = Encoding.ASCII.GetString(payload);
            int at = text.IndexOf("\"n\":", StringComparison.Ordinal);
            if (at < 0)
            {
                return 0;
            }

            int start = at + 4;
            int end = start;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            return long.TryParse(text.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
        }

        private sealed class Flight
        {
            public Flight(long since)
            {
                Since = since;
            }

            public long Since;
            public long ReceivedAtStep = -1;
        }
    }
}
