using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using MQTTnet.Server;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>
    /// An MQTT broker inside the process (MQTTnet's server) on a loopback port: the demo's "no server to install".
    /// It can be stopped and started again to simulate a broker outage. MQTTnet's server has no MQTT 5 shared
    /// subscriptions, so a collector on it subscribes plainly (one instance).
    /// </summary>
    public sealed class EmbeddedBroker : IAsyncDisposable
    {
        private MqttServer? _server;

        public EmbeddedBroker(int port = 0)
        {
            Port = port == 0 ? FreePort() : port;
        }

        public string Host => "127.0.0.1";

        public int Port { get; }

        public bool IsRunning => _server != null;

        public async Task StartAsync()
        {
            if (_server != null)
            {
                return;
            }

            MqttServerOptions options = new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointPort(Port)
                .WithDefaultEndpointReuseAddress()
                .Build();
            var server = new MqttServerFactory().CreateMqttServer(options);
            await server.StartAsync();
            _server = server;
        }

        /// <summary>Stops the broker: every client is disconnected and nothing is accepted until <see cref="StartAsync"/>.</summary>
        public async Task StopAsync()
        {
            MqttServer? server = _server;
            _server = null;
            if (server != null)
            {
                await server.StopAsync();
                server.Dispose();
            }
        }

        public async ValueTask DisposeAsync() => await StopAsync();

        /// <summary>A TCP port free on loopback now.</summary>
        public static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
