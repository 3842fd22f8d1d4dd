using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// Store and forward (docs/protocol.md): periods stay in the journal until the collector acknowledges them; after
    /// sending everything unacknowledged the meter waits 15 minutes for an acknowledgement, then sends everything
    /// unacknowledged again, from the first, in order.
    /// </summary>
    [TestClass]
    public class StoreAndForwardTests
    {
        private const long Second = ProtocolMeter.Second;
        private const long Minute = ProtocolMeter.Minute;
        private static readonly DateTime Midnight = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

        [TestMethod]
        public void A_new_meter_sends_each_period_record_in_the_tick_it_closes()
        {
            // Regression: a meter with an empty journal started its send position at period index 0 and walked up to
            // its first period (index 35 million) eight indices a tick, so no record left it for weeks.
            using var meter = new ProtocolMeter(Signing.Hmac);
            var sentAt = new Dictionary<long, long>();
            meter.Transport.Observer = (topic, payload) =>
            {
                if (topic == meter.Topics.Period)
                {
                    sentAt.TryAdd(OcmfRecord.Parse(payload.ToArray()).PaginationNumber, meter.Rig.Clock.Ticks);
                }
            };
            var closedAt = new Dictionary<long, long>();
            long last = -1;
            meter.Rig.Run(3 * 60 * Minute, () =>
            {
                if (meter.Rig.Journal.LastPeriodIndex != last)
                {
                    last = meter.Rig.Journal.LastPeriodIndex;
                    closedAt[last] = meter.Rig.Clock.Ticks;
                }

                return false;
            });

            Assert.AreEqual(6, closedAt.Count);
            foreach (var (index, ticks) in closedAt)
            {
                Assert.IsTrue(sentAt.TryGetValue(index, out long sent), $"period {index} not sent");
                Assert.AreEqual(ticks, sent, $"period {index} sent {(sent - ticks) / Second} s after it closed");
            }
        }

        [TestMethod]
        public void Without_an_acknowledgement_the_next_cycle_starts_from_the_first_unacknowledged_period()
        {
            // From midnight, so that no period closes during the cycles below (a new period would restart the wait).
            using var meter = new ProtocolMeter(Signing.Hmac, startUtc: Midnight);
            meter.Transport.Connected = false;
            meter.Rig.Run((5 * 60 * Minute) + Minute);
            long first = meter.Rig.Journal.FirstPeriodIndex;
            long last = meter.Rig.Journal.LastPeriodIndex;
            meter.Transport.Connected = true;

            // Cycle 1: all ten, once each, in order, within two ticks (eight a tick).
            meter.Rig.Run(2 * Second);
            CollectionAssert.AreEqual(Range(first, last), meter.PeriodRecords().Select(r => r.PaginationNumber).ToList());

            // Nothing again for 15 minutes after the last was sent.
            int from = meter.Transport.Published.Count;
            meter.Rig.Run((15 * Minute) - (3 * Second));
            Assert.AreEqual(0, meter.PeriodRecords(from).Count);

            // Cycle 2 after the collector acknowledged part of them: from the first unacknowledged.
            meter.Deliver(meter.Command("ack", ",\"to\":" + (first + 3)));
            meter.Rig.Run(10 * Second);
            CollectionAssert.AreEqual(Range(first + 4, last), meter.PeriodRecords(from).Select(r => r.PaginationNumber).ToList());

            // Acknowledged in full: no cycle 3; only the period that closes meanwhile (at 05:30), once.
            meter.Deliver(meter.Command("ack", ",\"to\":" + last));
            from = meter.Transport.Published.Count;
            meter.Rig.Run(20 * Minute);
            CollectionAssert.AreEqual(new List<long> { last + 1 }, meter.PeriodRecords(from).Select(r => r.PaginationNumber).ToList());
        }

        [TestMethod]
        public void Seven_days_with_the_broker_down_then_every_period_reaches_the_collector_once_per_cycle_in_order()
        {
            int port = FreePort();
            var watch = Stopwatch.StartNew();
            var transport = new MqttNetTransport(new MqttConnection
            {
                Host = "127.0.0.1",
                Port = port,
                ClientId = "meter-" + ProtocolMeter.Serial,
                SubscribeTopic = MeterTopics.DefaultPrefix + "/" + ProtocolMeter.Serial + "/command",
                WillTopic = MeterTopics.DefaultPrefix + "/" + ProtocolMeter.Serial + "/status",
                WillPayload = MeterApplication.OfflineStatus(ProtocolMeter.Serial),
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
            });
            using var meter = new ProtocolMeter(Signing.Atecc608, startUtc: Midnight, transport: transport);
            transport.OnMessage((topic, payload, length) => meter.Meter.OnMessage(topic, payload, length));
            MqttServer? server = null;
            IMqttClient? collector = null;
            try
            {
                // A week with no broker: the meter keeps every period.
                meter.Rig.Run((7 * 24 * 60 * Minute) + Minute);
                long first = meter.Rig.Journal.FirstPeriodIndex;
                long last = meter.Rig.Journal.LastPeriodIndex;
                Assert.AreEqual(336, last - first + 1);
                Assert.IsFalse(transport.IsConnected);
                Assert.AreEqual(0, transport.Sent);
                var simulated = watch.Elapsed;

                // The broker comes back; the collector subscribes, then the meter reconnects by itself.
                server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
                    .WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(port).Build());
                server.StartAsync().GetAwaiter().GetResult();
                var received = new ConcurrentQueue<(string Topic, byte[] Payload)>();
                collector = new MqttClientFactory().CreateMqttClient();
                collector.ApplicationMessageReceivedAsync += e =>
                {
                    received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
                    return Task.CompletedTask;
                };
                collector.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("collector").WithCleanSession(true).Build()).GetAwaiter().GetResult();
                collector.SubscribeAsync(MeterTopics.DefaultPrefix + "/" + ProtocolMeter.Serial + "/#", MqttQualityOfServiceLevel.AtLeastOnce).GetAwaiter().GetResult();
                Until(() => transport.IsConnected, "the meter reconnects");

                // Cycle 1: everything, once, in order.
                meter.Rig.Run(60 * Second, () => meter.Meter.NextPeriodToSend > last);
                Deliveries(transport, received, meter, 336);
                var cycle1 = Periods(received, meter);
                CollectionAssert.AreEqual(Range(first, last), cycle1.Select(r => r.PaginationNumber).ToList(), "cycle 1");
                foreach (var record in cycle1)
                {
                    Assert.IsTrue(RecordVerifiers.Own(meter.MeterPublicKey!, record.Payload, record.Signature), record.Pagination);
                }

                // No acknowledgement: nothing for 15 minutes, then cycle 2 from the first unacknowledged, once each, in order.
                received.Clear();
                meter.Rig.Run((15 * Minute) - (2 * Second));
                Deliveries(transport, received, meter, 0);
                Assert.AreEqual(0, Periods(received, meter).Count, "a period was sent again before the acknowledgement wait was over");
                meter.Rig.Run(60 * Second);
                Deliveries(transport, received, meter, 336);
                CollectionAssert.AreEqual(Range(first, last), Periods(received, meter).Select(r => r.PaginationNumber).ToList(), "cycle 2");

                // The collector acknowledges through the broker: the meter replies.
                AckThroughBroker(collector, received, meter, last);
                Assert.AreEqual(last, meter.Meter.Loop.State.AcknowledgedPeriodIndex);

                // The next period closes at the half hour and is sent, once; nothing acknowledged is sent again.
                received.Clear();
                meter.Rig.Run(20 * Minute);
                Deliveries(transport, received, meter, 1);
                CollectionAssert.AreEqual(new List<long> { last + 1 }, Periods(received, meter).Select(r => r.PaginationNumber).ToList());

                // Acknowledged before its wait is over, it is not sent again; the one after it closes on the hour.
                AckThroughBroker(collector, received, meter, last + 1);
                received.Clear();
                meter.Rig.Run(30 * Minute);
                Deliveries(transport, received, meter, 1);
                CollectionAssert.AreEqual(new List<long> { last + 2 }, Periods(received, meter).Select(r => r.PaginationNumber).ToList());
                Console.WriteLine($"7 simulated days in {simulated.TotalSeconds:F1} s; whole test {watch.Elapsed.TotalSeconds:F1} s; {transport.Sent} messages through MQTTnet");
            }
            finally
            {
                collector?.Dispose();
                transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
                server?.StopAsync().GetAwaiter().GetResult();
                server?.Dispose();
            }
        }

        private static void AckThroughBroker(IMqttClient collector, ConcurrentQueue<(string Topic, byte[] Payload)> received, ProtocolMeter meter, long to)
        {
            received.Clear();
            var ack = meter.Command("ack", ",\"to\":" + to);
            collector.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(meter.Topics.Command).WithPayload(ack)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).GetAwaiter().GetResult();
            Until(
                () =>
                {
                    meter.Rig.Step();
                    return received.Any(m => m.Topic == meter.Topics.Reply);
                },
                "the meter replies to the acknowledgement");
            var reply = JsonDocument.Parse(received.First(m => m.Topic == meter.Topics.Reply).Payload).RootElement;
            Assert.AreEqual("ok", reply.GetProperty("result").GetString(), reply.GetRawText());
        }

        private static List<long> Range(long first, long last) => Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).ToList();

        private static List<OcmfRecord> Periods(ConcurrentQueue<(string Topic, byte[] Payload)> received, ProtocolMeter meter)
        {
            return received.Where(m => m.Topic == meter.Topics.Period).Select(m => OcmfRecord.Parse(m.Payload)).ToList();
        }

        // Waits until the transport has sent everything and the collector has at least `periods` period records,
        // then a little longer so that anything extra (a duplicate) would have arrived too.
        private static void Deliveries(MqttNetTransport transport, ConcurrentQueue<(string Topic, byte[] Payload)> received, ProtocolMeter meter, int periods)
        {
            transport.FlushAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            Until(() => received.Count(m => m.Topic == meter.Topics.Period) >= periods, $"{periods} period records delivered", () => $"{received.Count(m => m.Topic == meter.Topics.Period)} delivered of {received.Count} ({string.Join(",", received.Select(m => m.Topic).Distinct())}), {transport.Sent} sent");
            Thread.Sleep(300);
        }

        private static void Until(Func<bool> condition, string what, Func<string>? state = null)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail("timed out waiting: " + what + (state != null ? " (" + state() + ")" : string.Empty));
                }

                Thread.Sleep(5);
            }
        }

        internal static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>A connected broker that takes everything and keeps nothing (to measure the meter alone).</summary>
    internal sealed class SinkTransport : IMqttTransport
    {
        public long Count { get; private set; }

        public bool IsConnected => true;

        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            Count++;
            return true;
        }
    }

    [TestClass]
    public class ConnectedTickAllocationTests
    {
        [TestMethod]
        public void A_connected_steady_tick_allocates_nothing_while_records_snapshots_status_and_telemetry_go_out()
        {
            var transport = new SinkTransport();
            using var meter = new ProtocolMeter(Signing.Hmac, transport: transport);
            meter.Rig.Run(2 * ProtocolMeter.Minute * 60);

            // Warm; then two hours of ticks: four period records, eight snapshots, status, 720 telemetry messages.
            // (The test's own observer keeps lists; the meter is measured without it.)
            meter.Meter.Observer = null;
            long sentBefore = transport.Count;
            long before = GC.GetAllocatedBytesForCurrentThread();
            long end = meter.Rig.Clock.Ticks + (2 * 60 * ProtocolMeter.Minute);
            while (meter.Rig.Clock.Ticks < end)
            {
                meter.Rig.Clock.Advance(meter.Meter.Loop.PollIntervalTicks);
                meter.Meter.Tick();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.IsTrue(transport.Count - sentBefore > 700, $"{transport.Count - sentBefore} messages");
            Assert.AreEqual(0, allocated, $"{allocated} bytes over two hours of connected ticks");
        }
    }
}
