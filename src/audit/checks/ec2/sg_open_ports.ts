/** Security groups open to the whole internet on sensitive ports: one table, one shared decision. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { describePerm, worldOpen } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { SECURITY_GROUPS } from './instance.js';

interface Row {
  id: string;
  what: string;
  /** Ports any of which open makes the rule fail; undefined = all traffic (-1). */
  ports?: number[];
  family: 'v4' | 'v6' | 'any';
  severity: Check['severity'];
  cis?: string[];
  fsbp?: string[];
}

const service = (id: string, what: string, ports: number[], severity: Check['severity'] = 'high'): Row => ({ id, what, ports, family: 'any', severity });

const ROWS: Row[] = [
  { id: 'ec2_sg_admin_ports_ipv4', what: 'SSH (22) or RDP (3389) from 0.0.0.0/0', ports: [22, 3389], family: 'v4', severity: 'high', cis: cis('5.2'), fsbp: ['EC2.13', 'EC2.53'] },
  { id: 'ec2_sg_admin_ports_ipv6', what: 'SSH (22) or RDP (3389) from ::/0', ports: [22, 3389], family: 'v6', severity: 'high', cis: cis('5.3'), fsbp: ['EC2.54'] },
  { id: 'ec2_sg_open_all_traffic', what: 'all traffic from anywhere', family: 'any', severity: 'critical', fsbp: ['EC2.19'] },
  service('ec2_sg_open_ftp', 'FTP (20, 21)', [20, 21]),
  service('ec2_sg_open_telnet', 'Telnet (23)', [23]),
  service('ec2_sg_open_smb', 'SMB/CIFS (139, 445)', [139, 445]),
  service('ec2_sg_open_mssql', 'SQL Server (1433, 1434)', [1433, 1434]),
  service('ec2_sg_open_oracle', 'Oracle (1521, 2483, 2484)', [1521, 2483, 2484]),
  service('ec2_sg_open_mysql', 'MySQL (3306)', [3306]),
  service('ec2_sg_open_postgresql', 'PostgreSQL (5432)', [5432]),
  service('ec2_sg_open_redis', 'Redis (6379)', [6379]),
  service('ec2_sg_open_mongodb', 'MongoDB (27017, 27018)', [27017, 27018]),
  service('ec2_sg_open_elasticsearch', 'Elasticsearch/Kibana (9200, 9300, 5601)', [9200, 9300, 5601]),
  service('ec2_sg_open_memcached', 'Memcached (11211)', [11211]),
  service('ec2_sg_open_kafka', 'Kafka (9092)', [9092]),
  service('ec2_sg_open_cassandra', 'Cassandra (7199, 9042, 9160)', [7199, 9042, 9160]),
  service('ec2_sg_open_docker', 'Docker API (2375, 2376)', [2375, 2376], 'critical'),
  service('ec2_sg_open_vnc', 'VNC (5900)', [5900]),
];

export const SG_OPEN_PORT_CHECKS: Check[] = ROWS.map((row) =>
  itemCheck(
    {
      id: row.id,
      title: `Security groups do not allow ${row.what}${row.family === 'any' && row.ports ? ' from anywhere' : ''}`,
      severity: row.severity,
      service: 'ec2',
      resourceType: 'AwsEc2SecurityGroup',
      description: `An ingress rule of the security group allows ${row.what}${row.family === 'any' ? ' (0.0.0.0/0 or ::/0)' : ''}; all-traffic rules and port ranges that include the port count.`,
      risk: 'Services reachable from the whole internet are scanned within minutes and attacked with leaked or default credentials and exploits.',
      remediation: {
        console: 'EC2 > Security groups > group > Inbound rules: limit the source to known networks or use Session Manager / a VPN.',
        cli: 'aws ec2 revoke-security-group-ingress --group-id <id> --protocol tcp --port <port> --cidr 0.0.0.0/0',
      },
      references: ['https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'],
      compliance: { cis: row.cis, fsbp: row.fsbp },
    },
    SECURITY_GROUPS,
    (sg) => {
      const open = row.ports ? row.ports.flatMap((p) => worldOpen(sg, p, row.family)) : worldOpen(sg, undefined, row.family);
      return verdict(open.length > 0, `allows ${[...new Set(open.map(describePerm))].join('; ')}`, `no ${row.what} from anywhere`);
    },
  ),
);
